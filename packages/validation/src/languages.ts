/**
 * The languages a location can say it offers care in, by the ISO 639-1 code stored with the listing: the
 * languages most spoken in US homes (Census ACS), plus ASL. Clinics choose from these names; codes are never
 * typed.
 */
export const LANGUAGES: Readonly<Record<string, string>> = {
  en: 'English',
  es: 'Spanish',
  zh: 'Chinese',
  tl: 'Tagalog',
  vi: 'Vietnamese',
  ar: 'Arabic',
  fr: 'French',
  ko: 'Korean',
  ru: 'Russian',
  pt: 'Portuguese',
  ht: 'Haitian Creole',
  hi: 'Hindi',
  de: 'German',
  pl: 'Polish',
  it: 'Italian',
  ur: 'Urdu',
  fa: 'Persian (Farsi)',
  ja: 'Japanese',
  he: 'Hebrew',
  bn: 'Bengali',
  pa: 'Punjabi',
  gu: 'Gujarati',
  uk: 'Ukrainian',
  am: 'Amharic',
  so: 'Somali',
  hmn: 'Hmong',
  ase: 'American Sign Language',
};

/** A language's name, or its code where kapmap has no name for it. */
export function languageName(code: string): string {
  return LANGUAGES[code] ?? code;
}
