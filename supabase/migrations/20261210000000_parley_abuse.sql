-- Parley directory: a directory that survives abuse.
--
-- Apply after the two earlier migrations, the same way (`supabase db push`,
-- or paste into the SQL editor). Core PostgreSQL only (sha256,
-- gen_random_uuid; no extensions): the same file runs on Supabase, plain
-- PostgreSQL 15+ and PGlite. Same security model as before: tables in
-- parley_private behind RLS with no grants, SECURITY DEFINER functions with
-- an empty search_path, EXECUTE for anon alone.
--
-- What changes (docs/protocol.md, "The directory", says it for clients):
--
--   * Mail only from people the recipient let in. Each user gives each
--     friend a random drop capability and registers only its SHA-256 here
--     (parley_grant), with nothing saying whom it is for. A put needs one
--     (parley_mailbox_drop); removing it (parley_revoke) refuses its holder
--     at once. First contact, before any capability exists, goes to a small
--     separate introduction queue per recipient (parley_intro_put: few
--     envelopes, small, short-lived, paid with a proof of work), so
--     strangers never crowd out friends' mail; take hands out friends' mail
--     first.
--   * Presence only for friends. Key records, prekeys and key rotations stay
--     public; the presence record and last_seen come back only to a caller
--     holding a presence capability the user gave
--     (parley_lookup_with_capabilities). last_ip is no longer stored.
--   * Costly sign-up. A new claim (parley_claim) needs a hashcash proof of
--     work over sha256() — difficulty in settings, ~1 s of one core — and is
--     rate limited per client address; the directory caps its names and
--     stored bytes. parley_policy() tells clients the difficulty.
--   * Name lifecycle. A name without a heartbeat for name_idle_ms (180 days)
--     can be claimed again; parley_rotate_keys moves a user to new keys with
--     a rotation signed by the old signing key (kept in `rotations`, which
--     friends verify); parley_recover re-binds a name to new keys and a new
--     secret for whoever presents the recovery code chosen at claim time.
--
-- Errors (SQLSTATE P0001, PostgREST answers 400; MESSAGE tells them apart,
-- DETAIL says why): username_taken, directory_rejected, directory_limit as
-- before, and
--   rate_limited         too many calls of this kind from this address
--   proof_required       missing, stale, spent or too weak proof of work;
--                        DETAIL is "<purpose> bits=<n> window=<minutes> (<why>)"
--   capability_required  no valid capability for this mailbox
--   quota_exceeded       the directory holds max_users names or
--                        max_stored_bytes of mail
-- A wrong recovery code is not an error: parley_recover answers false, so
-- the attempt still counts against the caller's rate limit (an exception
-- would roll the count back).
--
-- Client addresses. PostgREST passes the request's headers as JSON in the
-- `request.headers` setting. The address is read from the header named by
-- settings.address_header (default x-forwarded-for), taking the entry
-- settings.address_hops from the right (default 1: the one the proxy in
-- front of PostgREST appended; entries to its left are whatever the client
-- sent, so they are never trusted). Without the header every caller shares
-- one bucket. Set both to match your proxies. On Supabase, where clients
-- have been seen to replace x-forwarded-for, use the header set by its
-- Cloudflare edge: `update parley_private.settings set address_header =
-- 'cf-connecting-ip'`.
--
-- Moving a directory that already has users (and hosts that predate this):
--
--   * Every existing name stays, with its secret and keys. Existing users
--     get `legacy_until` = now + 90 days: until then their mailbox still
--     takes mail without a capability and lookups still show their presence
--     to anyone, exactly as before. So old hosts keep sending them mail, and
--     new hosts do too (a capability-less put works for such a recipient),
--     while neither side has capabilities yet.
--   * When a user's host upgrades, it grants each friend capabilities; once
--     every friend has granted it theirs (all of them upgraded too) it calls
--     parley_end_legacy, closing its mailbox and presence to anyone without
--     a capability. After 90 days they close regardless. Names claimed from
--     now on are closed from the start.
--   * Old hosts keep working against the old functions: parley_register
--     still accepts a repeat of an existing claim (a new claim answers
--     proof_required: such a host must upgrade to sign up), parley_heartbeat
--     and parley_heartbeat_presence still record presence, parley_lookup
--     still answers (presence only for open, legacy users; last_ip always
--     null), parley_mailbox_put still delivers to open, legacy mailboxes and
--     answers capability_required otherwise — the old host keeps that
--     message queued and retries, as it does for any refused put. What an
--     old host loses: mail to friends who have upgraded and closed their
--     mailbox (live sessions still carry it), and their addresses (it only
--     dials what parley_lookup shows).
--   * Mail already in mailboxes stays and is taken as before.
--
-- Input patterns match native-host/src/directory/validation.ts,
-- capability.ts, proof-of-work.ts and rotation.ts, so the local and the SQL
-- directory accept exactly the same inputs.

-- Settings ------------------------------------------------------------------

alter table parley_private.settings
  add column if not exists pow_register_bits integer not null default 19,
  add column if not exists pow_intro_bits integer not null default 16,
  add column if not exists pow_window_minutes integer not null default 10,
  add column if not exists intro_max_pending integer not null default 16,
  add column if not exists intro_max_bytes integer not null default 4096,
  add column if not exists intro_max_age_ms bigint not null default 259200000,
  add column if not exists name_idle_ms bigint not null default 15552000000,
  add column if not exists max_users bigint not null default 1000000,
  add column if not exists max_stored_bytes bigint not null default 4294967296,
  add column if not exists max_capabilities_per_user integer not null default 4000,
  add column if not exists max_rotations_kept integer not null default 8,
  add column if not exists rate_register_per_hour integer not null default 30,
  add column if not exists rate_intro_per_hour integer not null default 60,
  add column if not exists rate_recover_per_hour integer not null default 10,
  add column if not exists rate_drop_per_minute integer not null default 600,
  add column if not exists address_header text not null default 'x-forwarded-for',
  add column if not exists address_hops integer not null default 1;

-- Tables --------------------------------------------------------------------

alter table parley_private.users
  add column if not exists recovery_hash bytea,
  add column if not exists rotations jsonb not null default '[]',
  add column if not exists legacy_until timestamptz;
-- Users from before capabilities (see the header). Names claimed from now on get null.
update parley_private.users set legacy_until = pg_catalog.now() + interval '90 days';
alter table parley_private.users drop column if exists last_ip;

create table if not exists parley_private.capabilities (
  hash       bytea primary key,
  owner      text not null references parley_private.users (username) on delete cascade,
  kind       text not null check (kind in ('drop', 'presence')),
  created_at timestamptz not null default pg_catalog.now()
);
create index if not exists capabilities_by_owner on parley_private.capabilities (owner);

alter table parley_private.mailbox
  add column if not exists intro boolean not null default false,
  add column if not exists bytes integer not null default 0;
update parley_private.mailbox set bytes = pg_catalog.octet_length(envelope);
create index if not exists mailbox_by_queue on parley_private.mailbox (recipient, intro, seq);

create table if not exists parley_private.rate_limits (
  bucket       text primary key,
  window_start timestamptz not null,
  hits         integer not null
);
create index if not exists rate_limits_by_age on parley_private.rate_limits (window_start);

-- Proofs of work already used, kept while their time stamp is still accepted.
create table if not exists parley_private.pow_spent (
  hash       bytea primary key,
  expires_at timestamptz not null
);
create index if not exists pow_spent_by_age on parley_private.pow_spent (expires_at);

-- Totals for the global caps, kept by statement triggers so no call adds up a table.
create table if not exists parley_private.usage (
  singleton    boolean primary key default true check (singleton),
  users        bigint not null,
  stored_bytes bigint not null
);
insert into parley_private.usage (singleton, users, stored_bytes)
  values (true, (select pg_catalog.count(*) from parley_private.users),
                (select coalesce(pg_catalog.sum(m.bytes), 0) from parley_private.mailbox m))
  on conflict (singleton) do nothing;

create or replace function parley_private.usage_users_in() returns trigger
language plpgsql set search_path = '' as $$
begin
  update parley_private.usage set users = users + (select pg_catalog.count(*) from new_rows);
  return null;
end
$$;
create or replace function parley_private.usage_users_out() returns trigger
language plpgsql set search_path = '' as $$
begin
  update parley_private.usage set users = users - (select pg_catalog.count(*) from old_rows);
  return null;
end
$$;
create or replace function parley_private.usage_mail_in() returns trigger
language plpgsql set search_path = '' as $$
begin
  update parley_private.usage set stored_bytes = stored_bytes + (select coalesce(pg_catalog.sum(n.bytes), 0) from new_rows n);
  return null;
end
$$;
create or replace function parley_private.usage_mail_out() returns trigger
language plpgsql set search_path = '' as $$
begin
  update parley_private.usage set stored_bytes = stored_bytes - (select coalesce(pg_catalog.sum(o.bytes), 0) from old_rows o);
  return null;
end
$$;
drop trigger if exists usage_users_in on parley_private.users;
drop trigger if exists usage_users_out on parley_private.users;
drop trigger if exists usage_mail_in on parley_private.mailbox;
drop trigger if exists usage_mail_out on parley_private.mailbox;
create trigger usage_users_in after insert on parley_private.users
  referencing new table as new_rows for each statement execute function parley_private.usage_users_in();
create trigger usage_users_out after delete on parley_private.users
  referencing old table as old_rows for each statement execute function parley_private.usage_users_out();
create trigger usage_mail_in after insert on parley_private.mailbox
  referencing new table as new_rows for each statement execute function parley_private.usage_mail_in();
create trigger usage_mail_out after delete on parley_private.mailbox
  referencing old table as old_rows for each statement execute function parley_private.usage_mail_out();

alter table parley_private.capabilities enable row level security;
alter table parley_private.rate_limits enable row level security;
alter table parley_private.pow_spent enable row level security;
alter table parley_private.usage enable row level security;
revoke all on all tables in schema parley_private from public, anon, authenticated;

-- Private helpers -----------------------------------------------------------

create or replace function parley_private.check_key_record(
  p_username text, p_public_key text, p_signing_key text, p_signature text
) returns void language plpgsql set search_path = '' as $$
begin
  if (p_username ~ '^[a-z0-9][a-z0-9_.-]{2,31}$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed key record: username');
  end if;
  if (p_public_key ~ '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed key record: public key');
  end if;
  if (p_signing_key ~ '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed key record: signing key');
  end if;
  if (p_signature ~ '^[A-Za-z0-9+/]{85}[AQgw]==$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed key record: signature');
  end if;
end
$$;

-- The caller's address, as the configured proxy header tells it; '*' (one
-- bucket for everyone) without one. See the header of this file.
create or replace function parley_private.client_address()
returns text language plpgsql stable set search_path = '' as $$
declare
  v_raw text := pg_catalog.current_setting('request.headers', true);
  v_header text;
  v_hops integer;
  v_value text;
  v_entries text[];
begin
  if v_raw is null or v_raw = '' then
    return '*';
  end if;
  select s.address_header, s.address_hops into v_header, v_hops from parley_private.settings s;
  v_value := (v_raw::jsonb) ->> pg_catalog.lower(v_header);
  if v_value is null then
    return '*';
  end if;
  v_entries := pg_catalog.string_to_array(v_value, ',');
  v_value := pg_catalog.btrim(v_entries[greatest(1, pg_catalog.cardinality(v_entries) - v_hops + 1)]);
  if v_value is null or v_value = '' then
    return '*';
  end if;
  return pg_catalog.left(pg_catalog.lower(v_value), 64);
end
$$;

-- Counts one call of `p_action` from the caller's address in a fixed
-- window, or refuses it. The count is part of the caller's transaction: a
-- call refused later (or this refusal) rolls it back.
create or replace function parley_private.hit(p_action text, p_limit integer, p_window interval)
returns void language plpgsql set search_path = '' as $$
declare
  v_bucket text := p_action || ':' || parley_private.client_address();
  v_hits integer;
  v_start timestamptz;
begin
  delete from parley_private.rate_limits r where r.window_start < pg_catalog.now() - interval '1 day';
  insert into parley_private.rate_limits as r (bucket, window_start, hits)
  values (v_bucket, pg_catalog.now(), 1)
  on conflict (bucket) do update set
    window_start = case when r.window_start <= pg_catalog.now() - p_window then pg_catalog.now() else r.window_start end,
    hits = case when r.window_start <= pg_catalog.now() - p_window then 1 else r.hits + 1 end
  returning r.hits, r.window_start into v_hits, v_start;
  if v_hits > p_limit then
    perform parley_private.fail('rate_limited', pg_catalog.format('%s: at most %s per %s min, try again in %s s',
      p_action, p_limit, (extract(epoch from p_window) / 60)::bigint,
      pg_catalog.ceil(extract(epoch from v_start + p_window - pg_catalog.now()))::bigint));
  end if;
end
$$;

-- Checks a hashcash proof (native-host/src/directory/proof-of-work.ts) and
-- spends it: SHA-256 of the stamp must start with p_bits zero bits, and its
-- minute be within the window of ours.
create or replace function parley_private.require_work(
  p_purpose text, p_subject text, p_minute bigint, p_nonce text, p_bits integer
) returns void language plpgsql set search_path = '' as $$
declare
  v_window integer := (select s.pow_window_minutes from parley_private.settings s);
  v_now bigint := pg_catalog.floor(extract(epoch from pg_catalog.now()) / 60)::bigint;
  v_full integer := p_bits / 8;
  v_rest integer := p_bits % 8;
  v_hash bytea;
  v_why text;
begin
  if p_minute is null or (p_nonce ~ '^[0-9a-z]{1,32}$') is not true then
    v_why := 'malformed';
  elsif pg_catalog.abs(v_now - p_minute) > v_window then
    v_why := 'stale';
  else
    v_hash := pg_catalog.sha256(pg_catalog.convert_to(
      'parley/1 pow' || E'\n' || p_purpose || E'\n' || p_subject || E'\n' || p_minute::text || E'\n' || p_nonce, 'UTF8'));
    if pg_catalog.substring(v_hash, 1, v_full) <> pg_catalog.decode(pg_catalog.repeat('00', v_full), 'hex')
       or (v_rest > 0 and pg_catalog.get_byte(v_hash, v_full) >= (1 << (8 - v_rest))) then
      v_why := 'weak';
    end if;
  end if;
  if v_why is null then
    delete from parley_private.pow_spent p where p.expires_at <= pg_catalog.now();
    insert into parley_private.pow_spent (hash, expires_at)
    values (v_hash, pg_catalog.now() + pg_catalog.make_interval(mins => 2 * v_window + 1))
    on conflict (hash) do nothing;
    if not found then
      v_why := 'spent';
    end if;
  end if;
  if v_why is not null then
    perform parley_private.fail('proof_required',
      pg_catalog.format('%s bits=%s window=%s (%s)', p_purpose, p_bits, v_window, v_why));
  end if;
end
$$;

create or replace function parley_private.require_room_for_bytes(p_bytes bigint)
returns void language plpgsql set search_path = '' as $$
begin
  if (select u.stored_bytes from parley_private.usage u) + p_bytes
     > (select s.max_stored_bytes from parley_private.settings s) then
    perform parley_private.fail('quota_exceeded', pg_catalog.format('it stores %s bytes of mail',
      (select s.max_stored_bytes from parley_private.settings s)));
  end if;
end
$$;

-- A user from before capabilities whose mailbox and presence are still open.
create or replace function parley_private.legacy_open(p_username text)
returns boolean language sql stable set search_path = '' as $$
  select coalesce((select u.legacy_until > pg_catalog.now() from parley_private.users u where u.username = p_username), false)
$$;

-- True when p_capability is one p_owner gave, of this kind, still registered.
create or replace function parley_private.holds(p_owner text, p_kind text, p_capability text)
returns boolean language sql stable set search_path = '' as $$
  select exists (
    select 1 from parley_private.capabilities c
    where c.hash = pg_catalog.sha256(pg_catalog.convert_to(p_capability, 'UTF8'))
      and c.owner = p_owner and c.kind = p_kind
  )
$$;

-- Checks an envelope's encoding and size; returns its decoded size.
create or replace function parley_private.check_envelope(p_envelope text, p_max_bytes integer)
returns integer language plpgsql set search_path = '' as $$
declare
  v_length integer := pg_catalog.length(p_envelope);
  v_bytes integer;
begin
  -- Length first, so an oversized body is refused before it is scanned.
  if v_length > ((p_max_bytes + 2) / 3) * 4 then
    perform parley_private.fail('directory_limit', 'Envelope too large');
  end if;
  if v_length is null or v_length = 0
     or (p_envelope ~ '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$') is not true then
    perform parley_private.fail('directory_rejected', 'Envelope must be non-empty standard base64');
  end if;
  v_bytes := (v_length / 4) * 3 - case when p_envelope like '%==' then 2 when p_envelope like '%=' then 1 else 0 end;
  if v_bytes > p_max_bytes then
    perform parley_private.fail('directory_limit', 'Envelope too large');
  end if;
  return v_bytes;
end
$$;

-- Locking the recipient serialises puts to one mailbox, so its caps hold
-- under concurrent senders.
create or replace function parley_private.lock_recipient(p_recipient text)
returns void language plpgsql set search_path = '' as $$
begin
  perform 1 from parley_private.users u where u.username = p_recipient for no key update;
  if not found then
    perform parley_private.fail('directory_rejected', 'Unknown recipient');
  end if;
end
$$;

create or replace function parley_private.purge_expired()
returns void language plpgsql set search_path = '' as $$
declare
  v_settings parley_private.settings;
begin
  select * into v_settings from parley_private.settings;
  delete from parley_private.mailbox m
  where m.created_at < pg_catalog.now() - v_settings.max_envelope_age_ms * interval '1 millisecond'
     or (m.intro and m.created_at < pg_catalog.now() - v_settings.intro_max_age_ms * interval '1 millisecond');
end
$$;

-- A friend's mail: p_capability must be one of the recipient's drop
-- capabilities, or null for a recipient whose mailbox is still open.
create or replace function parley_private.drop_mail(p_recipient text, p_envelope text, p_capability text)
returns uuid language plpgsql set search_path = '' as $$
declare
  v_settings parley_private.settings;
  v_pending bigint;
  v_id uuid;
begin
  select * into v_settings from parley_private.settings;
  perform parley_private.check_envelope(p_envelope, v_settings.max_envelope_bytes);
  perform parley_private.lock_recipient(p_recipient);
  perform parley_private.hit('drop', v_settings.rate_drop_per_minute, interval '1 minute');
  if p_capability is null then
    if not parley_private.legacy_open(p_recipient) then
      perform parley_private.fail('capability_required', p_recipient || ' takes mail only from friends they added');
    end if;
  elsif not parley_private.holds(p_recipient, 'drop', p_capability) then
    perform parley_private.fail('capability_required',
      'That capability does not open ' || p_recipient || '''s mailbox (never given, or revoked)');
  end if;
  perform parley_private.purge_expired();
  select pg_catalog.count(*) into v_pending from parley_private.mailbox m where m.recipient = p_recipient and not m.intro;
  if v_pending >= v_settings.max_pending_per_recipient then
    perform parley_private.fail('directory_limit', 'Recipient mailbox full');
  end if;
  perform parley_private.require_room_for_bytes(pg_catalog.octet_length(p_envelope));
  insert into parley_private.mailbox (recipient, envelope, bytes)
  values (p_recipient, p_envelope, pg_catalog.octet_length(p_envelope))
  returning id into v_id;
  return v_id;
end
$$;

-- Public API -----------------------------------------------------------------

create or replace function public.parley_policy()
returns jsonb language sql stable security definer set search_path = '' as $$
  select pg_catalog.jsonb_build_object(
    'powRegisterBits', s.pow_register_bits,
    'powIntroBits', s.pow_intro_bits,
    'powWindowMinutes', s.pow_window_minutes,
    'introMaxBytes', s.intro_max_bytes,
    'maxEnvelopeBytes', s.max_envelope_bytes)
  from parley_private.settings s
$$;

-- The old claim call: still repeats an existing claim (every host does on
-- start); a new claim needs parley_claim and its proof of work.
create or replace function public.parley_register(
  p_username text, p_public_key text, p_signing_key text, p_signature text, p_secret text
) returns void language plpgsql security definer set search_path = '' as $$
declare
  v_settings parley_private.settings;
  v_user parley_private.users;
begin
  perform parley_private.check_key_record(p_username, p_public_key, p_signing_key, p_signature);
  perform parley_private.check_secret(p_secret);
  select * into v_settings from parley_private.settings;
  select * into v_user from parley_private.users u where u.username = p_username;
  if found then
    if v_user.secret_hash = pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8'))
       and v_user.public_key = p_public_key and v_user.signing_key = p_signing_key then
      return;
    end if;
    if coalesce(v_user.last_seen, v_user.created_at) > pg_catalog.now() - v_settings.name_idle_ms * interval '1 millisecond' then
      perform parley_private.fail('username_taken', p_username);
    end if;
  end if;
  perform parley_private.fail('proof_required',
    pg_catalog.format('register bits=%s window=%s (missing)', v_settings.pow_register_bits, v_settings.pow_window_minutes));
end
$$;

create or replace function public.parley_claim(
  p_username text, p_public_key text, p_signing_key text, p_signature text, p_secret text,
  p_recovery_hash text, p_minute bigint, p_nonce text
) returns void language plpgsql security definer set search_path = '' as $$
declare
  v_settings parley_private.settings;
  v_user parley_private.users;
  v_hash bytea;
begin
  perform parley_private.check_key_record(p_username, p_public_key, p_signing_key, p_signature);
  perform parley_private.check_secret(p_secret);
  if (p_recovery_hash ~ '^[0-9a-f]{64}$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed recovery hash');
  end if;
  v_hash := pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8'));
  select * into v_settings from parley_private.settings;
  select * into v_user from parley_private.users u where u.username = p_username for update;
  if found then
    if v_user.secret_hash = v_hash and v_user.public_key = p_public_key and v_user.signing_key = p_signing_key then
      return;
    end if;
    if coalesce(v_user.last_seen, v_user.created_at) > pg_catalog.now() - v_settings.name_idle_ms * interval '1 millisecond' then
      perform parley_private.fail('username_taken', p_username);
    end if;
  end if;
  perform parley_private.hit('register', v_settings.rate_register_per_hour, interval '1 hour');
  perform parley_private.require_work('register', p_username, p_minute, p_nonce, v_settings.pow_register_bits);
  -- An idle name is free again: its holder, mail, prekeys and capabilities go.
  if v_user.username is not null then
    delete from parley_private.users u where u.username = p_username;
  end if;
  -- Locked, so concurrent claims cannot all slip under the cap.
  if (select u.users from parley_private.usage u for update) >= v_settings.max_users then
    perform parley_private.fail('quota_exceeded', pg_catalog.format('it holds %s names', v_settings.max_users));
  end if;
  insert into parley_private.users (username, public_key, signing_key, signature, secret_hash, recovery_hash)
  values (p_username, p_public_key, p_signing_key, p_signature, v_hash, pg_catalog.decode(p_recovery_hash, 'hex'))
  on conflict (username) do nothing;
  if found then
    return;
  end if;
  -- A concurrent claim won the name; its exact repeat is still ours.
  select * into v_user from parley_private.users u where u.username = p_username;
  if v_user.secret_hash = v_hash and v_user.public_key = p_public_key and v_user.signing_key = p_signing_key then
    return;
  end if;
  perform parley_private.fail('username_taken', p_username);
end
$$;

-- Old hosts' heartbeat, without last_ip now.
create or replace function public.parley_heartbeat(p_username text, p_secret text, p_addresses text[])
returns void language plpgsql security definer set search_path = '' as $$
begin
  perform parley_private.authenticate(p_username, p_secret);
  if p_addresses is null or pg_catalog.cardinality(p_addresses) > 8 or pg_catalog.array_ndims(p_addresses) > 1 then
    perform parley_private.fail('directory_rejected', 'Addresses must be a list of at most 8');
  end if;
  if exists (
    select 1 from pg_catalog.unnest(p_addresses) a
    where (a ~ '^(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253}):[0-9]{1,5}$') is not true
  ) then
    perform parley_private.fail('directory_rejected', 'Malformed address: use host:port');
  end if;
  update parley_private.users u set addresses = p_addresses, last_seen = pg_catalog.now() where u.username = p_username;
end
$$;

-- The same checks as before (20261201000000_parley_presence.sql), without last_ip.
create or replace function public.parley_heartbeat_presence(p_username text, p_secret text, p_presence jsonb)
returns void language plpgsql security definer set search_path = '' as $$
declare
  v_addresses jsonb;
  v_dht_key jsonb;
begin
  perform parley_private.authenticate(p_username, p_secret);
  -- Length first: a record this large is not one, and is refused before it is walked.
  if p_presence is null or pg_catalog.jsonb_typeof(p_presence) <> 'object'
     or pg_catalog.octet_length(p_presence::text) > 4096 then
    perform parley_private.fail('directory_rejected', 'Malformed presence record');
  end if;
  v_addresses := p_presence -> 'addresses';
  if v_addresses is null or pg_catalog.jsonb_typeof(v_addresses) <> 'array'
     or pg_catalog.jsonb_array_length(v_addresses) > 8 then
    perform parley_private.fail('directory_rejected', 'Addresses must be a list of at most 8');
  end if;
  if exists (
    select 1 from pg_catalog.jsonb_array_elements(v_addresses) a
    where pg_catalog.jsonb_typeof(a) <> 'string'
       or ((a #>> '{}') ~ '^(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253}):[0-9]{1,5}$') is not true
  ) then
    perform parley_private.fail('directory_rejected', 'Malformed address: use host:port');
  end if;
  v_dht_key := p_presence -> 'dhtKey';
  if v_dht_key is null
     or (pg_catalog.jsonb_typeof(v_dht_key) <> 'null'
         and (pg_catalog.jsonb_typeof(v_dht_key) <> 'string'
              or ((v_dht_key #>> '{}') ~ '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$') is not true))
     or pg_catalog.jsonb_typeof(p_presence -> 'issuedAt') is distinct from 'string'
     or ((p_presence ->> 'issuedAt') ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$') is not true
     or pg_catalog.jsonb_typeof(p_presence -> 'signature') is distinct from 'string'
     or ((p_presence ->> 'signature') ~ '^[A-Za-z0-9+/]{85}[AQgw]==$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed presence record');
  end if;
  update parley_private.users u
  set presence = pg_catalog.jsonb_build_object(
        'addresses', v_addresses,
        'dhtKey', v_dht_key,
        'issuedAt', p_presence -> 'issuedAt',
        'signature', p_presence -> 'signature'),
      -- Kept for hosts that predate presence records.
      addresses = array(select pg_catalog.jsonb_array_elements_text(v_addresses)),
      last_seen = pg_catalog.now()
  where u.username = p_username;
end
$$;

-- Old hosts' lookup: the same columns; presence only for open, legacy users, last_ip never.
create or replace function public.parley_lookup(p_usernames text[])
returns table (
  username text, public_key text, signing_key text, signature text,
  addresses text[], last_seen timestamptz, last_ip text, prekeys jsonb, presence jsonb
) language plpgsql stable security definer set search_path = '' as $$
#variable_conflict use_column
begin
  if p_usernames is null then
    return;
  end if;
  if pg_catalog.cardinality(p_usernames) > (select s.max_lookup_batch from parley_private.settings s) then
    perform parley_private.fail('directory_limit', 'Lookup batch too large');
  end if;
  return query
    select u.username, u.public_key, u.signing_key, u.signature,
      case when v.open then u.addresses else '{}'::text[] end,
      case when v.open then u.last_seen end,
      null::text,
      coalesce((
        select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'id', p.id, 'publicKey', p.public_key, 'createdAt', p.created_at, 'signature', p.signature
        ) order by p.id desc)
        from parley_private.prekeys p where p.username = u.username
      ), '[]'::jsonb),
      case when v.open then u.presence end
    from (
      select w.name, pg_catalog.min(w.ord) as ord
      from pg_catalog.unnest(p_usernames) with ordinality as w(name, ord)
      group by w.name
    ) wanted
    join parley_private.users u on u.username = wanted.name
    cross join lateral (select coalesce(u.legacy_until > pg_catalog.now(), false) as open) v
    order by wanted.ord;
end
$$;

-- p_capabilities[i] is the caller's presence capability for p_usernames[i] (or null).
create or replace function public.parley_lookup_with_capabilities(p_usernames text[], p_capabilities text[])
returns table (
  username text, public_key text, signing_key text, signature text,
  prekeys jsonb, rotations jsonb, presence jsonb, last_seen timestamptz
) language plpgsql stable security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_max integer := (select s.max_lookup_batch from parley_private.settings s);
begin
  if p_usernames is null then
    return;
  end if;
  if pg_catalog.cardinality(p_usernames) > v_max or pg_catalog.cardinality(p_capabilities) > v_max then
    perform parley_private.fail('directory_limit', 'Lookup batch too large');
  end if;
  return query
    select u.username, u.public_key, u.signing_key, u.signature,
      coalesce((
        select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'id', p.id, 'publicKey', p.public_key, 'createdAt', p.created_at, 'signature', p.signature
        ) order by p.id desc)
        from parley_private.prekeys p where p.username = u.username
      ), '[]'::jsonb),
      u.rotations,
      case when v.visible then u.presence end,
      case when v.visible then u.last_seen end
    from (
      -- Multi-array unnest is FROM-clause syntax and cannot be schema-qualified.
      select w.name, pg_catalog.min(w.ord) as ord, pg_catalog.max(w.cap) as cap
      from unnest(p_usernames, p_capabilities) with ordinality as w(name, cap, ord)
      where w.name is not null
      group by w.name
    ) wanted
    join parley_private.users u on u.username = wanted.name
    cross join lateral (
      select coalesce(u.legacy_until > pg_catalog.now(), false)
          or (wanted.cap is not null and parley_private.holds(u.username, 'presence', wanted.cap)) as visible
    ) v
    order by wanted.ord;
end
$$;

-- p_grants: [{"kind": "drop"|"presence", "hash": "<sha256 hex>"}]
create or replace function public.parley_grant(p_username text, p_secret text, p_grants jsonb)
returns void language plpgsql security definer set search_path = '' as $$
declare
  v_max integer := (select s.max_capabilities_per_user from parley_private.settings s);
begin
  perform parley_private.authenticate(p_username, p_secret);
  if p_grants is null or pg_catalog.jsonb_typeof(p_grants) <> 'array' then
    perform parley_private.fail('directory_rejected', 'Malformed capability grant');
  end if;
  if pg_catalog.jsonb_array_length(p_grants) > v_max then
    perform parley_private.fail('directory_limit', pg_catalog.format('At most %s capabilities', v_max));
  end if;
  if exists (
    select 1 from pg_catalog.jsonb_array_elements(p_grants) g
    where pg_catalog.jsonb_typeof(g) <> 'object'
       or (g ->> 'kind') is null or (g ->> 'kind') not in ('drop', 'presence')
       or ((g ->> 'hash') ~ '^[0-9a-f]{64}$') is not true
  ) then
    perform parley_private.fail('directory_rejected', 'Malformed capability grant');
  end if;
  insert into parley_private.capabilities (hash, owner, kind)
  select pg_catalog.decode(g ->> 'hash', 'hex'), p_username, g ->> 'kind'
  from pg_catalog.jsonb_array_elements(p_grants) g
  on conflict (hash) do nothing;
  if exists (
    select 1 from pg_catalog.jsonb_array_elements(p_grants) g
    join parley_private.capabilities c on c.hash = pg_catalog.decode(g ->> 'hash', 'hex')
    where c.owner <> p_username or c.kind <> (g ->> 'kind')
  ) then
    perform parley_private.fail('directory_rejected', 'Capability hash already registered');
  end if;
  if (select pg_catalog.count(*) from parley_private.capabilities c where c.owner = p_username) > v_max then
    perform parley_private.fail('directory_limit', pg_catalog.format('At most %s capabilities', v_max));
  end if;
end
$$;

create or replace function public.parley_revoke(p_username text, p_secret text, p_hashes text[])
returns void language plpgsql security definer set search_path = '' as $$
begin
  perform parley_private.authenticate(p_username, p_secret);
  if p_hashes is null then
    perform parley_private.fail('directory_rejected', 'Revoked hashes must be a list');
  end if;
  if pg_catalog.cardinality(p_hashes) > (select s.max_capabilities_per_user from parley_private.settings s) then
    perform parley_private.fail('directory_limit', 'Too many hashes at once');
  end if;
  delete from parley_private.capabilities c
  where c.owner = p_username
    and c.hash in (select pg_catalog.decode(x, 'hex') from pg_catalog.unnest(p_hashes) x where x ~ '^[0-9a-f]{64}$');
end
$$;

create or replace function public.parley_end_legacy(p_username text, p_secret text)
returns void language plpgsql security definer set search_path = '' as $$
begin
  perform parley_private.authenticate(p_username, p_secret);
  update parley_private.users u set legacy_until = null where u.username = p_username;
end
$$;

-- Old hosts' put: only open, legacy mailboxes take it now.
create or replace function public.parley_mailbox_put(p_recipient text, p_envelope text)
returns uuid language plpgsql security definer set search_path = '' as $$
begin
  return parley_private.drop_mail(p_recipient, p_envelope, null);
end
$$;

create or replace function public.parley_mailbox_drop(p_recipient text, p_envelope text, p_capability text)
returns uuid language plpgsql security definer set search_path = '' as $$
begin
  return parley_private.drop_mail(p_recipient, p_envelope, p_capability);
end
$$;

create or replace function public.parley_intro_put(p_recipient text, p_envelope text, p_minute bigint, p_nonce text)
returns uuid language plpgsql security definer set search_path = '' as $$
declare
  v_settings parley_private.settings;
  v_pending bigint;
  v_id uuid;
begin
  select * into v_settings from parley_private.settings;
  perform parley_private.check_envelope(p_envelope, v_settings.intro_max_bytes);
  perform parley_private.lock_recipient(p_recipient);
  perform parley_private.hit('intro', v_settings.rate_intro_per_hour, interval '1 hour');
  perform parley_private.require_work('intro',
    p_recipient || E'\n' || pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(p_envelope, 'UTF8')), 'hex'),
    p_minute, p_nonce, v_settings.pow_intro_bits);
  perform parley_private.purge_expired();
  select pg_catalog.count(*) into v_pending from parley_private.mailbox m where m.recipient = p_recipient and m.intro;
  if v_pending >= v_settings.intro_max_pending then
    perform parley_private.fail('directory_limit', 'Recipient introduction queue full');
  end if;
  perform parley_private.require_room_for_bytes(pg_catalog.octet_length(p_envelope));
  insert into parley_private.mailbox (recipient, envelope, bytes, intro)
  values (p_recipient, p_envelope, pg_catalog.octet_length(p_envelope), true)
  returning id into v_id;
  return v_id;
end
$$;

-- Friends' mail first, then introductions, each oldest first.
create or replace function public.parley_mailbox_take(p_username text, p_secret text, p_limit integer)
returns table (id uuid, envelope text, created_at timestamptz)
language plpgsql security definer set search_path = '' as $$
#variable_conflict use_column
begin
  perform parley_private.authenticate(p_username, p_secret);
  if (p_limit >= 1) is not true then
    perform parley_private.fail('directory_rejected', 'Take limit must be a positive integer');
  end if;
  perform parley_private.purge_expired();
  return query
    select m.id, m.envelope, m.created_at
    from parley_private.mailbox m
    where m.recipient = p_username
    order by m.intro, m.seq
    limit least(p_limit, (select s.max_take_batch from parley_private.settings s));
end
$$;

create or replace function public.parley_rotate_keys(
  p_username text, p_secret text, p_public_key text, p_signing_key text, p_signature text, p_rotation jsonb
) returns void language plpgsql security definer set search_path = '' as $$
declare
  v_user parley_private.users;
  v_rotation jsonb;
  v_kept integer := (select s.max_rotations_kept from parley_private.settings s);
  v_key text := '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$';
begin
  perform parley_private.authenticate(p_username, p_secret);
  perform parley_private.check_key_record(p_username, p_public_key, p_signing_key, p_signature);
  if p_rotation is null or pg_catalog.jsonb_typeof(p_rotation) <> 'object'
     or ((p_rotation ->> 'oldPublicKey') ~ v_key) is not true
     or ((p_rotation ->> 'oldSigningKey') ~ v_key) is not true
     or ((p_rotation ->> 'newPublicKey') ~ v_key) is not true
     or ((p_rotation ->> 'newSigningKey') ~ v_key) is not true
     or ((p_rotation ->> 'issuedAt') ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$') is not true
     or ((p_rotation ->> 'signature') ~ '^[A-Za-z0-9+/]{85}[AQgw]==$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed key rotation');
  end if;
  v_rotation := pg_catalog.jsonb_build_object(
    'oldPublicKey', p_rotation ->> 'oldPublicKey', 'oldSigningKey', p_rotation ->> 'oldSigningKey',
    'newPublicKey', p_rotation ->> 'newPublicKey', 'newSigningKey', p_rotation ->> 'newSigningKey',
    'issuedAt', p_rotation ->> 'issuedAt', 'signature', p_rotation ->> 'signature');
  select * into v_user from parley_private.users u where u.username = p_username for update;
  -- Repeating the rotation that already happened succeeds (a host unsure it landed).
  if v_user.public_key = v_rotation ->> 'newPublicKey' and v_user.signing_key = v_rotation ->> 'newSigningKey'
     and v_user.rotations -> -1 = v_rotation then
    return;
  end if;
  if v_rotation ->> 'oldPublicKey' <> v_user.public_key or v_rotation ->> 'oldSigningKey' <> v_user.signing_key then
    perform parley_private.fail('directory_rejected', 'Key rotation does not start at the current keys');
  end if;
  if v_rotation ->> 'newPublicKey' <> p_public_key or v_rotation ->> 'newSigningKey' <> p_signing_key
     or p_public_key = v_user.public_key then
    perform parley_private.fail('directory_rejected', 'Key rotation does not lead to the new key record');
  end if;
  update parley_private.users u
  set public_key = p_public_key, signing_key = p_signing_key, signature = p_signature,
      rotations = (
        select coalesce(pg_catalog.jsonb_agg(r.e order by r.ord), '[]'::jsonb)
        from (
          select e, ord from pg_catalog.jsonb_array_elements(v_user.rotations || pg_catalog.jsonb_build_array(v_rotation))
            with ordinality as t(e, ord)
          order by ord desc limit v_kept
        ) r
      )
  where u.username = p_username;
  -- They are signed by the old key, which friends will no longer believe.
  delete from parley_private.prekeys p where p.username = p_username;
end
$$;

-- True when recovered; false for a wrong code or a name without one (the
-- attempt still counts: see the header).
create or replace function public.parley_recover(
  p_username text, p_code text, p_public_key text, p_signing_key text, p_signature text,
  p_secret text, p_recovery_hash text
) returns boolean language plpgsql security definer set search_path = '' as $$
declare
  v_stored bytea;
begin
  perform parley_private.hit('recover', (select s.rate_recover_per_hour from parley_private.settings s), interval '1 hour');
  perform parley_private.check_key_record(p_username, p_public_key, p_signing_key, p_signature);
  perform parley_private.check_secret(p_secret);
  if (p_recovery_hash ~ '^[0-9a-f]{64}$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed recovery hash');
  end if;
  select u.recovery_hash into v_stored from parley_private.users u where u.username = p_username for update;
  if v_stored is null or (p_code ~ '^[0-9A-HJKMNP-TV-Z]{32}$') is not true
     or v_stored <> pg_catalog.sha256(pg_catalog.convert_to(p_code, 'UTF8')) then
    return false;
  end if;
  update parley_private.users u
  set public_key = p_public_key, signing_key = p_signing_key, signature = p_signature,
      secret_hash = pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8')),
      recovery_hash = pg_catalog.decode(p_recovery_hash, 'hex'),
      rotations = '[]', presence = null, addresses = '{}', last_seen = pg_catalog.now(), legacy_until = null
  where u.username = p_username;
  -- Nothing the lost data dir left can be used: mail sealed for its keys, prekeys it signed, capabilities it gave.
  delete from parley_private.prekeys p where p.username = p_username;
  delete from parley_private.capabilities c where c.owner = p_username;
  delete from parley_private.mailbox m where m.recipient = p_username;
  return true;
end
$$;

-- Privileges ----------------------------------------------------------------

revoke all on all functions in schema parley_private from public, anon, authenticated;
revoke all on function
  public.parley_policy(),
  public.parley_register(text, text, text, text, text),
  public.parley_claim(text, text, text, text, text, text, bigint, text),
  public.parley_heartbeat(text, text, text[]),
  public.parley_heartbeat_presence(text, text, jsonb),
  public.parley_lookup(text[]),
  public.parley_lookup_with_capabilities(text[], text[]),
  public.parley_grant(text, text, jsonb),
  public.parley_revoke(text, text, text[]),
  public.parley_end_legacy(text, text),
  public.parley_mailbox_put(text, text),
  public.parley_mailbox_drop(text, text, text),
  public.parley_intro_put(text, text, bigint, text),
  public.parley_mailbox_take(text, text, integer),
  public.parley_rotate_keys(text, text, text, text, text, jsonb),
  public.parley_recover(text, text, text, text, text, text, text)
from public, anon, authenticated;
grant execute on function
  public.parley_policy(),
  public.parley_register(text, text, text, text, text),
  public.parley_claim(text, text, text, text, text, text, bigint, text),
  public.parley_heartbeat(text, text, text[]),
  public.parley_heartbeat_presence(text, text, jsonb),
  public.parley_lookup(text[]),
  public.parley_lookup_with_capabilities(text[], text[]),
  public.parley_grant(text, text, jsonb),
  public.parley_revoke(text, text, text[]),
  public.parley_end_legacy(text, text),
  public.parley_mailbox_put(text, text),
  public.parley_mailbox_drop(text, text, text),
  public.parley_intro_put(text, text, bigint, text),
  public.parley_mailbox_take(text, text, integer),
  public.parley_rotate_keys(text, text, text, text, text, jsonb),
  public.parley_recover(text, text, text, text, text, text, text)
to anon;

notify pgrst, 'reload schema';
