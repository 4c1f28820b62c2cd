/**
 * The demo directory: FICTIONAL clinics, for demonstration and tests only. Every name, address, phone number
 * and email below is invented (phone numbers use the 555-01xx range reserved for fiction, emails the
 * reserved example.org domain), and every row is stored with `is_sample = true`.
 *
 * A location is placed near its ZIP code's centroid; what it offers is drawn from a seeded generator
 * (`attributes.ts`) so the data is varied but the same on every machine.
 */
export interface DemoLocation {
  zip: string;
  name?: string;
}

export interface DemoClinic {
  name: string;
  /** Street locations, by ZIP code. */
  locations: DemoLocation[];
  /** Telehealth or at-home program serving these states. */
  telehealthStates?: string[];
  /** Listed but not yet verified: invisible to the public. */
  unpublished?: boolean;
}

export const DEMO_CLINICS: DemoClinic[] = [
  // Raleigh–Durham, North Carolina (around ZIP 27609)
  {
    name: 'Oak City Ketamine & Wellness',
    locations: [
      { zip: '27609', name: 'North Hills' },
      { zip: '27612', name: 'Crabtree' },
    ],
  },
  {
    name: 'Triangle Psychedelic Therapy Collective',
    locations: [
      { zip: '27607', name: 'Hillsborough Street' },
      { zip: '27701', name: 'Downtown Durham' },
    ],
  },
  {
    name: 'Neuse River Mind Clinic',
    locations: [
      { zip: '27615', name: 'North Raleigh' },
      { zip: '27587', name: 'Wake Forest' },
    ],
  },
  {
    name: 'Cary Integrative Psychiatry',
    locations: [
      { zip: '27513', name: 'Cary' },
      { zip: '27560', name: 'Morrisville' },
    ],
  },
  {
    name: 'Carolina Pines Infusion Center',
    locations: [
      { zip: '27529', name: 'Garner' },
      { zip: '27517', name: 'Chapel Hill' },
    ],
  },
  {
    name: 'Longleaf Recovery Psychiatry',
    locations: [{ zip: '27604', name: 'Capital Boulevard' }],
    unpublished: true,
  },
  {
    name: 'Piedmont Ketamine Associates',
    locations: [
      { zip: '27401', name: 'Greensboro' },
      { zip: '28202', name: 'Charlotte Uptown' },
    ],
  },
  // Virginia and South Carolina
  {
    name: 'James River Renewal',
    locations: [
      { zip: '23219', name: 'Richmond' },
      { zip: '22314', name: 'Alexandria' },
    ],
  },
  {
    name: 'Lowcountry Mind & Body',
    locations: [
      { zip: '29401', name: 'Charleston' },
      { zip: '29201', name: 'Columbia' },
    ],
  },
  // New York
  {
    name: 'Hudson Integration Institute',
    locations: [
      { zip: '10016', name: 'Murray Hill' },
      { zip: '11201', name: 'Brooklyn Heights' },
    ],
  },
  {
    name: 'Empire Infusion Partners',
    locations: [
      { zip: '10024', name: 'Upper West Side' },
      { zip: '14604', name: 'Rochester' },
    ],
  },
  // California
  {
    name: 'Pacific Coast Ketamine Center',
    locations: [
      { zip: '90024', name: 'Westwood' },
      { zip: '92103', name: 'San Diego Hillcrest' },
    ],
  },
  {
    name: 'Golden Gate Psychedelic Medicine',
    locations: [
      { zip: '94110', name: 'Mission' },
      { zip: '94704', name: 'Berkeley' },
    ],
  },
  {
    name: 'Sacramento Valley Mind Clinic',
    locations: [
      { zip: '95814', name: 'Sacramento' },
      { zip: '95616', name: 'Davis' },
    ],
  },
  // Texas
  {
    name: 'Lone Star Ketamine Clinic',
    locations: [
      { zip: '78701', name: 'Austin Downtown' },
      { zip: '78209', name: 'San Antonio' },
    ],
  },
  {
    name: 'Bayou City Infusions',
    locations: [
      { zip: '77030', name: 'Medical Center' },
      { zip: '77008', name: 'Heights' },
    ],
  },
  {
    name: 'Trinity Psychiatric Partners',
    locations: [
      { zip: '75204', name: 'Uptown Dallas' },
      { zip: '76102', name: 'Fort Worth' },
    ],
  },
  // Florida
  {
    name: 'Biscayne Ketamine Institute',
    locations: [
      { zip: '33131', name: 'Brickell' },
      { zip: '33301', name: 'Fort Lauderdale' },
    ],
  },
  {
    name: 'Gulf Coast Mind Center',
    locations: [
      { zip: '33606', name: 'Tampa' },
      { zip: '32801', name: 'Orlando' },
    ],
  },
  // Illinois
  {
    name: 'Lakeshore Ketamine Therapy',
    locations: [
      { zip: '60611', name: 'Streeterville' },
      { zip: '60657', name: 'Lakeview' },
    ],
  },
  {
    name: 'Prairie State Psychiatry',
    locations: [
      { zip: '60201', name: 'Evanston' },
      { zip: '62701', name: 'Springfield' },
    ],
  },
  // Colorado
  {
    name: 'Front Range Psychedelic Health',
    locations: [
      { zip: '80206', name: 'Cherry Creek' },
      { zip: '80302', name: 'Boulder' },
    ],
  },
  {
    name: 'Rocky Mountain Infusion Clinic',
    locations: [
      { zip: '80903', name: 'Colorado Springs' },
      { zip: '80524', name: 'Fort Collins' },
    ],
  },
  // Washington and Oregon
  {
    name: 'Puget Sound Ketamine',
    locations: [
      { zip: '98104', name: 'Pioneer Square' },
      { zip: '98004', name: 'Bellevue' },
    ],
  },
  {
    name: 'Cascadia Mind Collective',
    locations: [
      { zip: '97205', name: 'Portland' },
      { zip: '97401', name: 'Eugene' },
    ],
  },
  // Massachusetts
  {
    name: 'Back Bay Integration Center',
    locations: [
      { zip: '02115', name: 'Fenway' },
      { zip: '02139', name: 'Cambridge' },
    ],
  },
  // Georgia
  {
    name: 'Peachtree Ketamine & TMS',
    locations: [
      { zip: '30309', name: 'Midtown Atlanta' },
      { zip: '30030', name: 'Decatur' },
    ],
  },
  // Arizona
  {
    name: 'Desert Bloom Infusions',
    locations: [
      { zip: '85016', name: 'Phoenix' },
      { zip: '85719', name: 'Tucson' },
    ],
  },
  // Minnesota
  {
    name: 'North Star Psychiatric Care',
    locations: [
      { zip: '55403', name: 'Minneapolis' },
      { zip: '55102', name: 'Saint Paul' },
    ],
  },
  // Pennsylvania
  {
    name: 'Liberty Bell Ketamine Center',
    locations: [
      { zip: '19103', name: 'Rittenhouse' },
      { zip: '15213', name: 'Pittsburgh Oakland' },
    ],
  },
  // Tennessee
  {
    name: 'Music City Mind Clinic',
    locations: [
      { zip: '37203', name: 'Nashville' },
      { zip: '37902', name: 'Knoxville' },
    ],
  },
  // Michigan and Ohio
  {
    name: 'Great Lakes Infusion Therapy',
    locations: [
      { zip: '48201', name: 'Detroit Midtown' },
      { zip: '48104', name: 'Ann Arbor' },
    ],
  },
  {
    name: 'Buckeye Ketamine Partners',
    locations: [
      { zip: '43215', name: 'Columbus' },
      { zip: '44106', name: 'Cleveland' },
    ],
  },
  // Utah, Nevada, New Mexico
  {
    name: 'Wasatch Renewal Clinic',
    locations: [
      { zip: '84111', name: 'Salt Lake City' },
      { zip: '84604', name: 'Provo' },
    ],
  },
  {
    name: 'High Desert Mind Health',
    locations: [
      { zip: '89109', name: 'Las Vegas' },
      { zip: '87102', name: 'Albuquerque' },
    ],
  },
  // Missouri and Louisiana
  {
    name: 'Gateway Ketamine Clinic',
    locations: [
      { zip: '63108', name: 'St. Louis Central West End' },
      { zip: '64111', name: 'Kansas City' },
    ],
  },
  {
    name: 'Crescent City Infusions',
    locations: [
      { zip: '70115', name: 'New Orleans' },
      { zip: '70808', name: 'Baton Rouge' },
    ],
  },
  // Maryland and New Jersey
  {
    name: 'Chesapeake Mind Institute',
    locations: [
      { zip: '21201', name: 'Baltimore' },
      { zip: '20814', name: 'Bethesda' },
    ],
  },
  {
    name: 'Garden State Ketamine',
    locations: [
      { zip: '07302', name: 'Jersey City' },
      { zip: '08540', name: 'Princeton' },
    ],
  },
  // Wisconsin and Kentucky
  {
    name: 'Badger Psychiatry & Ketamine',
    locations: [
      { zip: '53703', name: 'Madison' },
      { zip: '53202', name: 'Milwaukee' },
    ],
  },
  {
    name: 'Bluegrass Healing Center',
    locations: [
      { zip: '40202', name: 'Louisville' },
      { zip: '40507', name: 'Lexington' },
    ],
  },
  { name: 'Sunset Ridge Wellness', locations: [{ zip: '90401', name: 'Santa Monica' }], unpublished: true },
  // Telehealth and at-home programs (no street address)
  { name: 'Tidewater Telehealth KAP', locations: [], telehealthStates: ['NC', 'SC', 'VA'] },
  { name: 'Homeward At-Home Ketamine Program', locations: [], telehealthStates: ['NC', 'GA', 'FL', 'TN'] },
  { name: 'Westward Virtual Psychiatry', locations: [], telehealthStates: ['CA', 'OR', 'WA', 'CO'] },
  { name: 'Atlantic Remote Integration', locations: [], telehealthStates: ['NY', 'NJ', 'CT', 'MA', 'PA'] },
  { name: 'Heartland Home Therapy', locations: [], telehealthStates: ['TX', 'IL', 'MN', 'MO'] },
];
