// The living demo's synthetic population: plausible people of the starter personas, with traits, IANA time zones and
// addresses on example.com / example.org only (reserved for documentation, RFC 2606); pure and seeded.
import { Faker, base, de, en, en_AU, en_GB, es, fr } from '@faker-js/faker';
import { DAY_MS, DEMO_PERSONAS, HOUR_MS, PERSONA_PROFILES, type DemoPersona } from './model.ts';
import { between, createRng, hashSeed, pickWeighted } from './random.ts';

/** Time zones with the locale their names come from, weighted roughly like a European shop's list. */
const PLACES = [
  { timezone: 'Europe/Berlin', locale: 'de', weight: 24 },
  { timezone: 'Europe/Vienna', locale: 'de', weight: 5 },
  { timezone: 'Europe/Paris', locale: 'fr', weight: 12 },
  { timezone: 'Europe/Madrid', locale: 'es', weight: 9 },
  { timezone: 'Europe/London', locale: 'en_GB', weight: 14 },
  { timezone: 'America/New_York', locale: 'en', weight: 14 },
  { timezone: 'America/Chicago', locale: 'en', weight: 6 },
  { timezone: 'America/Los_Angeles', locale: 'en', weight: 8 },
  { timezone: 'Australia/Sydney', locale: 'en_AU', weight: 5 },
  { timezone: 'Asia/Tokyo', locale: 'en', weight: 3 },
] as const;

type LocaleKey = (typeof PLACES)[number]['locale'];

const LOCALES: Record<LocaleKey, ConstructorParameters<typeof Faker>[0]['locale']> = {
  de: [de, en, base],
  fr: [fr, en, base],
  es: [es, en, base],
  en_GB: [en_GB, en, base],
  en: [en, base],
  en_AU: [en_AU, en, base],
};

const SIGNUP_SOURCES = [['footer_form', 5], ['checkout', 3], ['blog_post', 2], ['giveaway', 1]] as const;

const INTERESTS: Record<DemoPersona, readonly string[]> = {
  bargain_hunter: ['deals', 'outlet', 'bundles'],
  researcher: ['materials', 'buying_guides', 'care_and_repair'],
  loyalist: ['new_collections', 'limited_runs', 'events'],
};

export interface PlannedContact {
  /** The contact's number within its cohort (friends who came through a referral follow the population). */
  index: number;
  persona: DemoPersona;
  firstName: string;
  lastName: string;
  email: string;
  timezone: string;
  city: string;
  signupSource: string;
  interest: string;
  /** When it subscribes. */
  joinAt: number;
}

/** Lower-case ASCII letters of a name, for the address ("Zoë O'Brien" → "zoe", "obrien"). */
export function addressPart(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
  return ascii || 'friend';
}

const fakers = new Map<LocaleKey, Faker>();
function fakerFor(locale: LocaleKey): Faker {
  let f = fakers.get(locale);
  if (!f) {
    f = new Faker({ locale: LOCALES[locale] });
    fakers.set(locale, f);
  }
  return f;
}

export interface PopulationWindow {
  /** The first moment anyone subscribes… */
  startMs: number;
  /** …and the last. */
  endMs: number;
}

/**
 * One person of the population: the same (seed, cohort, index) always gives the same person. Subscriptions are
 * spread over the window, more at the start (a launch), between 07:00 and 23:00 UTC.
 */
export function planContact(seed: number | string, cohort: number, index: number, window: PopulationWindow, persona?: DemoPersona): PlannedContact {
  const rng = createRng(seed, cohort, 'person', index);
  const who = persona ?? pickWeighted(rng, DEMO_PERSONAS.map((p) => [p, PERSONA_PROFILES[p].share] as const));
  const place = pickWeighted(rng, PLACES.map((p) => [p, p.weight] as const));
  const faker = fakerFor(place.locale);
  faker.seed(hashSeed(seed, cohort, 'name', index));
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const city = faker.location.city();
  const domain = rng.next() < 0.5 ? 'example.com' : 'example.org';
  const span = Math.max(HOUR_MS, window.endMs - window.startMs);
  const day = Math.floor(rng.next() ** 1.4 * (span / DAY_MS));
  const joinAt = Math.min(window.endMs, window.startMs + day * DAY_MS + between(rng, 7, 22) * HOUR_MS + between(rng, 0, 59) * 60_000);
  const interests = INTERESTS[who];
  return {
    index,
    persona: who,
    firstName,
    lastName,
    email: `${addressPart(firstName)}.${addressPart(lastName)}.c${cohort}n${index}@${domain}`,
    timezone: place.timezone,
    city,
    signupSource: pickWeighted(rng, SIGNUP_SOURCES),
    interest: interests[between(rng, 0, interests.length - 1)]!,
    joinAt,
  };
}

/** The traits a subscribe form and the shop's identify call carry for a person. */
export function traitsOf(p: PlannedContact): Record<string, string> {
  return {
    first_name: p.firstName,
    last_name: p.lastName,
    city: p.city,
    timezone: p.timezone,
    persona: p.persona,
    signup_source: p.signupSource,
    interest: p.interest,
  };
}
