import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SearchForm } from '../src/search/SearchForm.js';

function setup(props: Partial<Parameters<typeof SearchForm>[0]> = {}) {
  const onSearch = vi.fn();
  render(<SearchForm place={null} nearLabel={null} radius={25} onSearch={onSearch} {...props} />);
  return { onSearch, user: userEvent.setup() };
}

describe('the search form', () => {
  it('searches for a typed ZIP code within the chosen radius when Enter is pressed', async () => {
    const { onSearch, user } = setup();
    await user.selectOptions(screen.getByLabelText('Within'), '50');
    await user.type(screen.getByLabelText('ZIP code or city'), '27609{Enter}');
    expect(onSearch).toHaveBeenCalledWith({ place: '27609' }, 50);
  });

  it('searches for a city and state with the Search button', async () => {
    const { onSearch, user } = setup();
    await user.type(screen.getByLabelText('ZIP code or city'), '  Raleigh, NC ');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(onSearch).toHaveBeenCalledWith({ place: 'Raleigh, NC' }, 25);
  });

  it('says what to type when the box is empty or holds a short number, and does not search', async () => {
    const { onSearch, user } = setup();
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter a ZIP code (such as 27609)');
    await user.type(screen.getByLabelText('ZIP code or city'), '2760{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('A ZIP code has 5 digits');
    expect(screen.getByLabelText('ZIP code or city')).toHaveAttribute('aria-invalid', 'true');
    expect(onSearch).not.toHaveBeenCalled();
  });

  it('shows the place from the URL and follows it when Back changes it', () => {
    const onSearch = vi.fn();
    const { rerender } = render(
      <SearchForm place="27609" nearLabel={null} radius={10} onSearch={onSearch} />,
    );
    expect(screen.getByLabelText('ZIP code or city')).toHaveValue('27609');
    expect(screen.getByLabelText('Within')).toHaveValue('10');
    rerender(<SearchForm place="Durham, NC" nearLabel={null} radius={50} onSearch={onSearch} />);
    expect(screen.getByLabelText('ZIP code or city')).toHaveValue('Durham, NC');
    expect(screen.getByLabelText('Within')).toHaveValue('50');
  });

  it('searches again at once when the radius changes, as the filters do', async () => {
    const onSearch = vi.fn();
    const onRadiusChange = vi.fn();
    const user = userEvent.setup();
    render(
      <SearchForm
        place="27609"
        nearLabel={null}
        radius={25}
        onSearch={onSearch}
        onRadiusChange={onRadiusChange}
      />,
    );
    await user.selectOptions(screen.getByLabelText('Within'), '100');
    expect(onRadiusChange).toHaveBeenCalledWith(100);
    expect(onSearch).not.toHaveBeenCalled();
  });

  it('searches around the device’s position with "Use my location"', async () => {
    const geolocation = {
      getCurrentPosition: vi.fn((ok: PositionCallback) =>
        ok({ coords: { latitude: 35.912_345, longitude: -78.687_654 } } as GeolocationPosition),
      ),
    };
    const { onSearch, user } = setup({ geolocation });
    await user.click(screen.getByRole('button', { name: 'Use my location' }));
    // Rounded to about a kilometer before it reaches the URL: the search is shared, the home is not.
    expect(onSearch).toHaveBeenCalledWith({ near: { lat: 35.91, lng: -78.69 } }, 25);
  });

  it('explains a refused location and keeps the form usable', async () => {
    const geolocation = {
      getCurrentPosition: vi.fn((_ok: PositionCallback, fail?: PositionErrorCallback | null) =>
        fail?.({ code: 1 } as GeolocationPositionError),
      ),
    };
    const { onSearch, user } = setup({ geolocation });
    await user.click(screen.getByRole('button', { name: 'Use my location' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Your location is not available');
    expect(screen.getByRole('button', { name: 'Use my location' })).toBeEnabled();
    expect(onSearch).not.toHaveBeenCalled();
  });
});

describe('the search box’s suggestions', () => {
  const places = [
    { label: 'Winston-Salem, NC', description: 'Winston-Salem, North Carolina' },
    { label: 'Winston, OR', description: 'Winston, Oregon' },
  ];

  it('offers places as a listbox while typing, chosen with the arrow keys and Enter', async () => {
    const onSearch = vi.fn();
    const suggest = vi.fn(async () => places);
    const user = userEvent.setup();
    render(<SearchForm place={null} nearLabel={null} radius={25} onSearch={onSearch} suggest={suggest} />);
    const box = screen.getByRole('combobox', { name: 'ZIP code or city' });
    await user.type(box, 'Winst');
    const list = await screen.findByRole('listbox', { name: 'Places' });
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Winston-Salem, NCWinston-Salem, North Carolina', 'Winston, ORWinston, Oregon']);
    expect(box).toHaveAttribute('aria-expanded', 'true');
    expect(suggest).toHaveBeenLastCalledWith('Winst');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(box.getAttribute('aria-activedescendant')).toBe(within(list).getAllByRole('option')[1]?.id);
    await user.keyboard('{Enter}');
    expect(onSearch).toHaveBeenCalledWith({ place: 'Winston, OR' }, 25);
    expect(box).toHaveValue('Winston, OR');
  });

  it('searches for what was typed when Enter is pressed with no suggestion picked, and Escape closes', async () => {
    const onSearch = vi.fn();
    const user = userEvent.setup();
    render(
      <SearchForm
        place={null}
        nearLabel={null}
        radius={25}
        onSearch={onSearch}
        suggest={async () => places}
      />,
    );
    const box = screen.getByRole('combobox', { name: 'ZIP code or city' });
    await user.type(box, 'Winston');
    await screen.findByRole('listbox', { name: 'Places' });
    await user.keyboard('{Escape}');
    expect(box).toHaveAttribute('aria-expanded', 'false');
    await user.type(box, '-Salem NC{Enter}');
    expect(onSearch).toHaveBeenCalledWith({ place: 'Winston-Salem NC' }, 25);
  });

  it('keeps the cursor where the user is typing when a place is corrected in the middle', async () => {
    const onSearch = vi.fn();
    const user = userEvent.setup();
    render(
      <SearchForm
        place={null}
        nearLabel={null}
        radius={25}
        onSearch={onSearch}
        suggest={async () => places}
      />,
    );
    const box = screen.getByRole<HTMLInputElement>('combobox', { name: 'ZIP code or city' });
    await user.type(box, 'Wnston-Salem, NC');
    // The missing "i" and then an "s" typed after it: both land where the cursor is, not at the end.
    await user.type(box, 'is', { initialSelectionStart: 1, initialSelectionEnd: 1 });
    expect(box).toHaveValue('Wisnston-Salem, NC');
    expect(box.selectionStart).toBe(3);
    await user.keyboard('{Backspace}{Enter}');
    expect(onSearch).toHaveBeenLastCalledWith({ place: 'Winston-Salem, NC' }, 25);
  });

  it('does not open over the page when its places arrive after the search was made', async () => {
    const onSearch = vi.fn();
    let answer: (found: typeof places) => void = () => {};
    const suggest = vi.fn(() => new Promise<typeof places>((resolve) => (answer = resolve)));
    const user = userEvent.setup();
    render(<SearchForm place={null} nearLabel={null} radius={25} onSearch={onSearch} suggest={suggest} />);
    const box = screen.getByRole('combobox', { name: 'ZIP code or city' });
    await user.type(box, 'Springfield');
    await waitFor(() => expect(suggest).toHaveBeenCalled());
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(onSearch).toHaveBeenCalledWith({ place: 'Springfield' }, 25);
    answer(places);
    await new Promise((r) => setTimeout(r, 300));
    expect(box).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('listbox', { name: 'Places' })).toBeNull();
  });

  it('shows the search’s complaint beside the box, with the places a bare city may be', async () => {
    const onSearch = vi.fn();
    const user = userEvent.setup();
    render(
      <SearchForm
        place="Springfield"
        nearLabel={null}
        radius={25}
        onSearch={onSearch}
        placeProblem={{ message: 'Which "Springfield"?', choices: ['Springfield, MO', 'Springfield, IL'] }}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Which "Springfield"?');
    expect(screen.getByRole('combobox', { name: 'ZIP code or city' })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    await user.click(screen.getByRole('button', { name: 'Springfield, IL' }));
    expect(onSearch).toHaveBeenCalledWith({ place: 'Springfield, IL' }, 25);
  });
});
