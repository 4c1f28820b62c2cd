import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Filters, type FilterValues } from '../src/search/Filters.js';

const options = {
  conditions: [
    { code: 'trd', name: 'Treatment-resistant depression' },
    { code: 'ptsd', name: 'PTSD' },
  ],
  routes: [
    { code: 'iv', name: 'IV infusion' },
    { code: 'im', name: 'Intramuscular injection' },
  ],
  insurancePayers: [
    { code: 'self_pay', name: 'Self-pay' },
    { code: 'aetna', name: 'Aetna' },
  ],
  languages: [
    { code: 'en', name: 'English' },
    { code: 'es', name: 'Spanish' },
  ],
};

const none: FilterValues = {
  conditions: [],
  routes: [],
  insurance: [],
  languages: [],
  age: null,
  acceptingOnly: false,
  telehealth: true,
};

function setup(value: FilterValues = none) {
  const onChange = vi.fn();
  render(<Filters options={options} value={value} onChange={onChange} />);
  return { onChange, user: userEvent.setup() };
}

describe('the filters', () => {
  it('adds a checked condition to the filters, keeping the others', async () => {
    const { onChange, user } = setup({ ...none, conditions: ['trd'] });
    const group = screen.getByRole('group', { name: /Conditions treated/ });
    await user.click(within(group).getByRole('checkbox', { name: 'PTSD' }));
    expect(onChange).toHaveBeenCalledWith({ ...none, conditions: ['trd', 'ptsd'] });
  });

  it('removes an unchecked route', async () => {
    const { onChange, user } = setup({ ...none, routes: ['iv', 'im'] });
    await user.click(screen.getByRole('checkbox', { name: 'IV infusion' }));
    expect(onChange).toHaveBeenCalledWith({ ...none, routes: ['im'] });
  });

  it('can be worked with the keyboard alone', async () => {
    const { onChange, user } = setup();
    screen.getByRole('checkbox', { name: 'Accepting new patients' }).focus();
    await user.keyboard(' ');
    expect(onChange).toHaveBeenLastCalledWith({ ...none, acceptingOnly: true });
    await user.tab();
    expect(screen.getByRole('checkbox', { name: 'Show telehealth programs' })).toHaveFocus();
    await user.keyboard(' ');
    expect(onChange).toHaveBeenLastCalledWith({ ...none, telehealth: false });
  });

  it('shows how many filters are on and clears them all at once', async () => {
    const { onChange, user } = setup({
      ...none,
      conditions: ['ptsd'],
      insurance: ['aetna'],
      acceptingOnly: true,
    });
    expect(screen.getByText('Condition (1)')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Aetna' })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Clear 3 filters' }));
    expect(onChange).toHaveBeenCalledWith(none);
  });

  it('says the choices are loading before they arrive', () => {
    render(<Filters options={null} value={none} onChange={vi.fn()} />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading filters');
    expect(screen.queryByRole('button', { name: /Clear/ })).not.toBeInTheDocument();
  });

  it('filters by a language of care, by its name', async () => {
    const { onChange, user } = setup();
    await user.click(screen.getByText('Language'));
    const group = screen.getByRole('group', { name: /Language of care/ });
    await user.click(within(group).getByRole('checkbox', { name: 'Spanish' }));
    expect(onChange).toHaveBeenCalledWith({ ...none, languages: ['es'] });
  });

  it('applies the patient’s age when the field is left, and explains an age it cannot use', async () => {
    const { onChange, user } = setup();
    const age = screen.getByLabelText('Patient’s age');
    await user.type(age, '16');
    expect(onChange).not.toHaveBeenCalled();
    await user.tab();
    expect(onChange).toHaveBeenCalledWith({ ...none, age: 16 });
    await user.clear(age);
    await user.type(age, '200{Enter}');
    expect(screen.getByText('Enter an age in whole years, 0 to 120.')).toBeInTheDocument();
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});
