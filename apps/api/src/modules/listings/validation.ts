import { z } from 'zod';

/** Input rules for listings. Each message says what to enter instead. */
export const optionalText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${what} has at most ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

export const websiteField = z
  .string()
  .trim()
  .max(500, 'A web address has at most 500 characters.')
  .refine((v) => {
    if (!v) return true;
    try {
      const url = new URL(v);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
    } catch {
      return false;
    }
  }, 'Enter the full address of the website, starting with https://.')
  .nullish()
  .transform((v) => (v ? v : null));

export const phoneField = z
  .string()
  .trim()
  .refine(
    (v) => !v || /^\+?1?\D*\d{3}\D*\d{3}\D*\d{4}$/.test(v),
    'Enter a US phone number with its area code: (919) 555-0100.',
  )
  .nullish()
  .transform((v) => (v ? v : null));

export const optionalEmailField = z
  .string()
  .trim()
  .max(254, 'An email address has at most 254 characters.')
  .refine(
    (v) => !v || z.string().email().safeParse(v).success,
    'Enter an email address such as intake@clinic.org.',
  )
  .nullish()
  .transform((v) => (v ? v : null));

export const ClinicInputSchema = z.object({
  name: z.string().trim().min(2, 'Enter the clinic’s name.').max(200, 'The name has at most 200 characters.'),
  description: optionalText('The description', 2000),
  website: websiteField,
  phone: phoneField,
  email: optionalEmailField,
});
