// The sending domains API (domains.*) through createCaller on a fresh workspace with its mail runtime: adding one makes
// two DKIM keys and lists what to publish (never a private key); bad and duplicate domains are refused naming the field;
// Check DNS through a stub resolver, through one that only partly agrees, and through one that cannot be reached.
import { createSocket } from 'node:dgram';
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DnsResolver } from '../../server/mail/domains/dnsCheck.ts';
import { dnsResolverFor, type DomainView } from '../../server/mail/domains/service.ts';
import { callerFor, makeUser } from './helpers.ts';
import { mailWorld, type MailWorld } from './mail-helpers.ts';

const notFound = (name: string) => Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });

/** DNS holding what `zone` says: TXT records by name (each a list of strings) and MX hosts by name. */
function stubDns(zone: { txt: Map<string, string[][]>; mx: Map<string, string[]> }): DnsResolver {
  return {
    resolveTxt: async (name) => zone.txt.get(name) ?? Promise.reject(notFound(name)),
    resolveMx: async (name) => zone.mx.get(name)?.map((exchange) => ({ exchange, priority: 10 })) ?? Promise.reject(notFound(name)),
  };
}

/** A zone with every record the domain's card lists, published as a DNS provider stores them. */
function zoneOf(view: DomainView) {
  const zone = { txt: new Map<string, string[][]>(), mx: new Map<string, string[]>() };
  for (const record of view.records) {
    if (record.type === 'TXT') zone.txt.set(record.name, [...(zone.txt.get(record.name) ?? []), record.chunks]);
    if (record.type === 'MX') zone.mx.set(record.name, [record.value]);
  }
  return zone;
}

async function rejection(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** A UDP port on loopback that nothing listens on (bound once to find it, then let go). */
async function deadUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** The field a refusal names for the form (data.fieldErrors comes from this cause). */
const fieldErrorsOf = (error: TRPCError) => (error.cause instanceof z.ZodError ? z.flattenError(error.cause).fieldErrors : null);

let world: MailWorld | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

/** A world whose "Check DNS" asks `resolver`; the zone it answers from can be filled in after a domain is added. */
async function admin(resolver?: DnsResolver) {
  world = await mailWorld({ dnsResolver: resolver });
  return { world, api: callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'admin'), world.clock) };
}

describe('domains.add and domains.list', () => {
  it('adds a domain with an RSA and an Ed25519 key, and lists the records to publish without any private key', async () => {
    const { api } = await admin();
    const added = await api.domains.add({ domain: ' Shop.Example.COM. ' });
    expect(added).toMatchObject({ domain: 'shop.example.com', bounceDomain: 'bounces.shop.example.com', lastCheck: null });
    expect(added.keys.map((k) => [k.selector, k.algorithm])).toEqual([
      ['kairos1', 'rsa'],
      ['kairos-ed1', 'ed25519'],
    ]);
    expect(added.records.map((r) => [r.purpose, r.type, r.name])).toEqual([
      ['dkim', 'TXT', 'kairos1._domainkey.shop.example.com'],
      ['dkim', 'TXT', 'kairos-ed1._domainkey.shop.example.com'],
      ['spf', 'TXT', 'shop.example.com'],
      ['dmarc', 'TXT', '_dmarc.shop.example.com'],
      // PUBLIC_URL is https://kairos.example.com: bounces go back there.
      ['return-path', 'MX', 'bounces.shop.example.com'],
      ['return-path', 'TXT', 'bounces.shop.example.com'],
    ]);
    expect(added.records[1]!.value).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    expect(added.records[4]!.value).toBe('kairos.example.com');

    const listed = await api.domains.list();
    expect(listed).toEqual([added]);
    const json = JSON.stringify(listed);
    expect(json).not.toMatch(/PRIVATE KEY|privateKey|"v1:/);
  });

  it('takes a bounce domain of the domain', async () => {
    const { api } = await admin();
    expect((await api.domains.add({ domain: 'example.com', bounceDomain: 'Return.Example.com' })).bounceDomain).toBe('return.example.com');
  });

  it.each([
    ['domain', { domain: 'not a domain' }, 'domain: "not a domain" is not a domain name: it contains a space'],
    ['domain', { domain: 'localhost' }, 'domain: "localhost" is not a full domain name: it needs a dot, such as example.com'],
    ['domain', { domain: '203.0.113.7' }, 'domain: "203.0.113.7" is an IP address'],
    ['bounceDomain', { domain: 'example.com', bounceDomain: 'bounces.other.org' }, 'bounceDomain: "bounces.other.org" must be a subdomain of example.com'],
    ['bounceDomain', { domain: 'example.com', bounceDomain: 'bad_name.example.com' }, 'bounceDomain: "bad_name.example.com" is not a domain name'],
  ])('refuses a bad %s, naming the field', async (field, input, message) => {
    const { api } = await admin();
    const error = await rejection(api.domains.add(input));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
    expect(Object.keys(fieldErrorsOf(error) ?? {})).toEqual([field]);
    expect(await api.domains.list()).toEqual([]);
  });

  it('refuses an empty domain through the input schema, naming the field', async () => {
    const { api } = await admin();
    const error = await rejection(api.domains.add({ domain: '   ' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(fieldErrorsOf(error)).toEqual({ domain: [expect.stringContaining('must not be empty')] });
  });

  it('refuses a duplicate (however it is written) with CONFLICT, naming the field', async () => {
    const { api } = await admin();
    await api.domains.add({ domain: 'example.com' });
    const error = await rejection(api.domains.add({ domain: 'EXAMPLE.com.' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('domain: example.com is already a sending domain — its records are listed below.');
    expect(fieldErrorsOf(error)).toEqual({ domain: ['example.com is already a sending domain — its records are listed below.'] });
    // A subdomain is a domain of its own.
    await api.domains.add({ domain: 'news.example.com' });
    expect((await api.domains.list()).map((d) => d.domain)).toEqual(['example.com', 'news.example.com']);
  });

  it('is for admins only', async () => {
    world = await mailWorld();
    const marketer = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);
    expect((await rejection(marketer.domains.list())).code).toBe('FORBIDDEN');
    expect((await rejection(marketer.domains.add({ domain: 'example.com' }))).code).toBe('FORBIDDEN');
  });

  it('removes a domain; a second removal says it is gone', async () => {
    const { api } = await admin();
    const { id } = await api.domains.add({ domain: 'example.com' });
    await api.domains.remove({ id });
    expect(await api.domains.list()).toEqual([]);
    expect((await rejection(api.domains.remove({ id }))).code).toBe('NOT_FOUND');
  });
});

describe('domains.check', () => {
  it('through a resolver that holds every record: all ok, stored as the last check', async () => {
    const zone = { txt: new Map<string, string[][]>(), mx: new Map<string, string[]>() };
    const { api, world } = await admin(stubDns(zone));
    const added = await api.domains.add({ domain: 'example.com' });
    Object.assign(zone, zoneOf(added));
    world.clock.set(new Date('2026-05-12T13:00:00Z'));

    const checked = await api.domains.check({ id: added.id });
    expect(checked.lastCheck).toMatchObject({ at: Date.parse('2026-05-12T13:00:00Z'), ok: true });
    expect(checked.lastCheck!.records.map((r) => [r.name, r.status])).toEqual(added.records.map((r) => [r.name, 'ok']));
    expect((await api.domains.list())[0]!.lastCheck).toEqual(checked.lastCheck);
  });

  it('through a resolver missing the Ed25519 key and holding an old RSA key: says which record is missing or wrong', async () => {
    const zone = { txt: new Map<string, string[][]>(), mx: new Map<string, string[]>() };
    const { api } = await admin(stubDns(zone));
    const added = await api.domains.add({ domain: 'example.com' });
    Object.assign(zone, zoneOf(added));
    zone.txt.delete('kairos-ed1._domainkey.example.com');
    zone.txt.set('kairos1._domainkey.example.com', [['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAold']]);

    const { lastCheck } = await api.domains.check({ id: added.id });
    expect(lastCheck!.ok).toBe(false);
    expect(lastCheck!.records.filter((r) => r.status !== 'ok').map((r) => [r.name, r.status, r.message])).toEqual([
      ['kairos1._domainkey.example.com', 'wrong', "The DKIM record's key does not match the one Kairos signs with (it may be an old key)."],
      ['kairos-ed1._domainkey.example.com', 'missing', 'No TXT record at kairos-ed1._domainkey.example.com — publish the DKIM record above.'],
    ]);
  });

  it('through an unreachable DNS server (DNS_SERVERS): every record says DNS could not be reached, and nothing throws', async () => {
    // A loopback port nothing listens on: the query is refused at once, as on a machine without a network.
    const { api } = await admin(dnsResolverFor([`127.0.0.1:${await deadUdpPort()}`]));
    const added = await api.domains.add({ domain: 'example.com' });
    const { lastCheck } = await api.domains.check({ id: added.id });
    expect(lastCheck!.ok).toBe(false);
    expect(lastCheck!.records).toHaveLength(added.records.length);
    for (const record of lastCheck!.records) {
      expect(record.status).toBe('unreachable');
      expect(record.message).toMatch(/^Could not reach DNS \(.+\) — check the server's network and try again\.$/);
    }
  });

  it('of a removed domain is NOT_FOUND', async () => {
    const { api } = await admin();
    const { id } = await api.domains.add({ domain: 'example.com' });
    await api.domains.remove({ id });
    expect((await rejection(api.domains.check({ id }))).code).toBe('NOT_FOUND');
  });
});
