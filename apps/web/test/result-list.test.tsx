import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { ResultList, type ResultListProps } from '../src/search/ResultList.js';
import { location } from './fixtures.js';

const near = location();
const far = location({
  id: 'TG9jYXRpb246Mg==',
  name: 'Cary',
  acceptingNewPatients: false,
  typicalWaitDays: 21,
  phone: null,
  clinic: { id: 'Q2xpbmljOjI=', name: 'Triangle Mind Clinic', isSample: false, notRecentlyConfirmed: true },
  offeredRoutes: [
    { priceUsd: null, route: { code: 'intranasal_esketamine', name: 'Intranasal esketamine' } },
  ],
});

function setup(props: Partial<ResultListProps> = {}) {
  const handlers = { onSelect: vi.fn(), onHover: vi.fn(), onLoadMore: vi.fn() };
  render(
    <MemoryRouter>
      <ResultList
        edges={[
          { distance: 0.42, node: near },
          { distance: 12.7, node: far },
        ]}
        selectedId={null}
        hoveredId={null}
        hasNextPage={false}
        loadingMore={false}
        {...handlers}
        {...props}
      />
    </MemoryRouter>,
  );
  return { ...handlers, user: userEvent.setup() };
}

describe('the result list', () => {
  it('shows the lowest self-pay price per route that publishes one, and directions in the maps app', () => {
    setup();
    const [first, second] = screen.getAllByRole('listitem');
    expect(within(first as HTMLElement).getByText(/Self-pay from:/).parentElement).toHaveTextContent(
      'Self-pay from: IV infusion $475',
    );
    expect(within(second as HTMLElement).queryByText(/Self-pay from:/)).toBeNull();
    const directions = within(first as HTMLElement).getByRole('link', {
      name: /Directions to Oak City Ketamine/,
    });
    expect(directions).toHaveAttribute(
      'href',
      'https://www.google.com/maps/dir/?api=1&destination=1%20Sample%20Street%2C%20Raleigh%2C%20NC%2027609',
    );
    expect(directions).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it('lists locations nearest first with distance, routes, conditions, intake, wait and phone', () => {
    setup();
    const items = within(screen.getByRole('list', { name: 'Clinics, nearest first' })).getAllByRole(
      'listitem',
    );
    expect(items).toHaveLength(2);
    const [first, second] = items as [HTMLElement, HTMLElement];
    expect(within(first).getByRole('heading')).toHaveTextContent('Oak City Ketamine');
    expect(first).toHaveTextContent('0.4 mi');
    expect(first).toHaveTextContent('IV infusion, Intramuscular injection');
    expect(first).toHaveTextContent('Treatment-resistant depression, PTSD');
    expect(first).toHaveTextContent('Accepting new patients');
    expect(first).toHaveTextContent('Typical wait 3 days');
    expect(first).toHaveTextContent('Sample data');
    expect(within(first).getByRole('link', { name: /Call Oak City Ketamine/ })).toHaveAttribute(
      'href',
      'tel:+18005550100',
    );
    expect(second).toHaveTextContent('13 mi');
    expect(second).toHaveTextContent('Not taking new patients');
    expect(second).toHaveTextContent('Typical wait 3 weeks');
    expect(second).not.toHaveTextContent('Sample data');
  });

  it('links each clinic to its page, with the location picked out', () => {
    setup();
    expect(screen.getByRole('link', { name: 'Triangle Mind Clinic' })).toHaveAttribute(
      'href',
      `/clinics/${encodeURIComponent('Q2xpbmljOjI=')}?location=${encodeURIComponent('TG9jYXRpb246Mg==')}`,
    );
  });

  it('selects a location for the map with its button, and marks the selected one', async () => {
    const { onSelect, user } = setup({ selectedId: far.id });
    await user.click(
      within(screen.getAllByRole('listitem')[0] as HTMLElement).getByRole('button', { name: 'Show on map' }),
    );
    expect(onSelect).toHaveBeenCalledWith(near.id);
    const selected = screen.getAllByRole('listitem')[1] as HTMLElement;
    expect(selected).toHaveAttribute('aria-current', 'true');
    expect(within(selected).getByRole('button', { name: 'Shown on map' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('highlights on the map what the pointer or keyboard focus is on', async () => {
    const { onHover, user } = setup();
    await user.hover(screen.getByRole('link', { name: 'Triangle Mind Clinic' }));
    expect(onHover).toHaveBeenLastCalledWith(far.id);
    await user.unhover(screen.getByRole('link', { name: 'Triangle Mind Clinic' }));
    expect(onHover).toHaveBeenLastCalledWith(null);
    await user.tab();
    expect(onHover).toHaveBeenLastCalledWith(near.id);
  });

  it('loads the next page with "Show more clinics"', async () => {
    const { onLoadMore, user } = setup({ hasNextPage: true });
    await user.click(screen.getByRole('button', { name: 'Show more clinics' }));
    expect(onLoadMore).toHaveBeenCalledOnce();
  });

  it('disables "more" while the next page loads', () => {
    setup({ hasNextPage: true, loadingMore: true });
    expect(screen.getByRole('button', { name: 'Loading more…' })).toBeDisabled();
  });

  it('offers no "more" on the last page', () => {
    setup({ hasNextPage: false });
    expect(screen.queryByRole('button', { name: /more/ })).not.toBeInTheDocument();
  });

  it('offers referring providers “Refer a patient” on each location, and nobody else', () => {
    setup({ canRefer: true });
    const link = screen.getByRole('link', { name: `Refer a patient to Triangle Mind Clinic, Cary` });
    expect(link).toHaveAttribute('href', `/refer/${encodeURIComponent('TG9jYXRpb246Mg==')}`);
  });

  it('shows patients no referral link', () => {
    setup();
    expect(screen.queryByRole('link', { name: /Refer a patient/ })).toBeNull();
  });
});
