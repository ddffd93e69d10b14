-- Parley directory: presence, key lookup and the offline mailbox.
--
-- Apply to a Supabase project with the CLI (`supabase link --project-ref <ref>`
-- then `supabase db push`), or paste this whole file into the dashboard's SQL
-- editor and run it once. Hosts then need only the project URL and its anon
-- key (`--supabase-url`, `--supabase-key`).
--
-- Core PostgreSQL only (sha256, gen_random_uuid; no extensions), so the same
-- file runs on Supabase, plain PostgreSQL 15+ and PGlite.
--
-- Security model: the tables live in schema parley_private, which PostgREST
-- does not expose; RLS is on and there are no grants, so the anon role cannot
-- touch them. The only way in is the parley_* functions in schema public:
-- SECURITY DEFINER with an empty search_path (everything fully qualified),
-- EXECUTE granted to anon alone. A username is bound to a client-generated
-- secret; only its SHA-256 is stored.
--
-- Errors raised for the client (SQLSTATE P0001, so PostgREST answers 400),
-- told apart by MESSAGE; DETAIL says why:
--   username_taken      the name belongs to another secret or other keys
--   directory_rejected  malformed input, unknown user, wrong secret
--   directory_limit     a cap was hit (envelope size, pending envelopes,
--                       lookup or ack batch)
--
-- Caps live in the one-row table parley_private.settings, readable only by
-- the functions. An operator (or a test, as superuser) tunes them with
-- `update parley_private.settings set ...`; no client can.
--
-- The input patterns match native-host/src/directory/validation.ts, so the
-- local and the Supabase directory accept exactly the same inputs.

create schema if not exists parley_private;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
end
$$;

revoke all on schema parley_private from public, anon, authenticated;

create table if not exists parley_private.settings (
  singleton                 boolean primary key default true check (singleton),
  max_envelope_bytes        integer not null default 65536,
  max_pending_per_recipient integer not null default 1000,
  max_envelope_age_ms       bigint  not null default 2592000000,
  max_lookup_batch          integer not null default 200,
  max_take_batch            integer not null default 100
);
insert into parley_private.settings (singleton) values (true) on conflict do nothing;

create table if not exists parley_private.users (
  username    text primary key,
  public_key  text not null,
  signing_key text not null,
  signature   text not null,
  secret_hash bytea not null,
  addresses   text[] not null default '{}',
  last_seen   timestamptz,
  last_ip     text,
  created_at  timestamptz not null default pg_catalog.now()
);

create table if not exists parley_private.prekeys (
  username   text not null references parley_private.users (username) on delete cascade,
  id         bigint not null,
  public_key text not null,
  -- Kept as the owner wrote it: the signature covers this exact string.
  created_at text not null,
  signature  text not null,
  primary key (username, id)
);

create table if not exists parley_private.mailbox (
  seq        bigint generated always as identity primary key,
  id         uuid not null unique default pg_catalog.gen_random_uuid(),
  recipient  text not null references parley_private.users (username) on delete cascade,
  envelope   text not null,
  created_at timestamptz not null default pg_catalog.now()
);
create index if not exists mailbox_by_recipient on parley_private.mailbox (recipient, seq);
create index if not exists mailbox_by_age on parley_private.mailbox (created_at);

alter table parley_private.settings enable row level security;
alter table parley_private.users enable row level security;
alter table parley_private.prekeys enable row level security;
alter table parley_private.mailbox enable row level security;
revoke all on all tables in schema parley_private from public, anon, authenticated;

-- Private helpers ---------------------------------------------------------

create or replace function parley_private.fail(p_message text, p_detail text)
returns void language plpgsql set search_path = '' as $$
begin
  raise exception using errcode = 'P0001', message = p_message, detail = p_detail;
end
$$;

create or replace function parley_private.check_secret(p_secret text)
returns void language plpgsql set search_path = '' as $$
begin
  if (pg_catalog.length(p_secret) between 16 and 256) is not true then
    perform parley_private.fail('directory_rejected', 'Secret must be 16-256 characters');
  end if;
end
$$;

create or replace function parley_private.authenticate(p_username text, p_secret text)
returns void language plpgsql set search_path = '' as $$
declare
  v_hash bytea;
begin
  perform parley_private.check_secret(p_secret);
  select u.secret_hash into v_hash from parley_private.users u where u.username = p_username;
  if v_hash is null or v_hash <> pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8')) then
    perform parley_private.fail('directory_rejected', 'Unknown user or wrong secret');
  end if;
end
$$;

-- Deletes envelopes older than the age cap; called by put and take, so the
-- mailbox needs no scheduler.
create or replace function parley_private.purge_expired()
returns void language plpgsql set search_path = '' as $$
begin
  delete from parley_private.mailbox m
  where m.created_at < pg_catalog.now() - (
    select s.max_envelope_age_ms * interval '1 millisecond' from parley_private.settings s
  );
end
$$;

-- Public API (one function per Directory method) --------------------------

create or replace function public.parley_register(
  p_username text, p_public_key text, p_signing_key text, p_signature text, p_secret text
) returns void language plpgsql security definer set search_path = '' as $$
declare
  v_hash bytea;
  v_user parley_private.users;
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
  perform parley_private.check_secret(p_secret);
  v_hash := pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8'));

  insert into parley_private.users (username, public_key, signing_key, signature, secret_hash)
  values (p_username, p_public_key, p_signing_key, p_signature, v_hash)
  on conflict (username) do nothing;
  if found then
    return;
  end if;

  -- Already claimed: a repeat by the same owner with the same keys succeeds.
  select * into v_user from parley_private.users u where u.username = p_username;
  if v_user.secret_hash = v_hash and v_user.public_key = p_public_key and v_user.signing_key = p_signing_key then
    return;
  end if;
  perform parley_private.fail('username_taken', p_username);
end
$$;

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
  update parley_private.users u
  set addresses = p_addresses,
      last_seen = pg_catalog.now(),
      -- The host part of the first address, without [] around an IPv6 literal.
      last_ip = pg_catalog.regexp_replace(
        pg_catalog.regexp_replace(p_addresses[1], ':[0-9]+$', ''), '^\[(.*)\]$', '\1')
  where u.username = p_username;
end
$$;

create or replace function public.parley_lookup(p_usernames text[])
returns table (
  username text, public_key text, signing_key text, signature text,
  addresses text[], last_seen timestamptz, last_ip text, prekeys jsonb
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
    select u.username, u.public_key, u.signing_key, u.signature, u.addresses, u.last_seen, u.last_ip,
      coalesce((
        select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'id', p.id, 'publicKey', p.public_key, 'createdAt', p.created_at, 'signature', p.signature
        ) order by p.id desc)
        from parley_private.prekeys p where p.username = u.username
      ), '[]'::jsonb)
    from (
      select w.name, pg_catalog.min(w.ord) as ord
      from pg_catalog.unnest(p_usernames) with ordinality as w(name, ord)
      group by w.name
    ) wanted
    join parley_private.users u on u.username = wanted.name
    order by wanted.ord;
end
$$;

create or replace function public.parley_publish_prekey(
  p_username text, p_secret text, p_id bigint, p_public_key text, p_created_at text, p_signature text
) returns void language plpgsql security definer set search_path = '' as $$
begin
  perform parley_private.authenticate(p_username, p_secret);
  if (p_id between 0 and 9007199254740991) is not true
     or (p_public_key ~ '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$') is not true
     or (p_created_at ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$') is not true
     or (p_signature ~ '^[A-Za-z0-9+/]{85}[AQgw]==$') is not true then
    perform parley_private.fail('directory_rejected', 'Malformed prekey');
  end if;
  insert into parley_private.prekeys (username, id, public_key, created_at, signature)
  values (p_username, p_id, p_public_key, p_created_at, p_signature)
  on conflict (username, id) do update
    set public_key = excluded.public_key, created_at = excluded.created_at, signature = excluded.signature;
  -- Keep the current prekey and its predecessor only.
  delete from parley_private.prekeys p
  where p.username = p_username
    and p.id not in (
      select k.id from parley_private.prekeys k where k.username = p_username order by k.id desc limit 2
    );
end
$$;

create or replace function public.parley_mailbox_put(p_recipient text, p_envelope text)
returns uuid language plpgsql security definer set search_path = '' as $$
declare
  v_settings parley_private.settings;
  v_length integer := pg_catalog.length(p_envelope);
  v_bytes bigint;
  v_pending bigint;
  v_id uuid;
begin
  select * into v_settings from parley_private.settings;
  -- Length first, so an oversized body is refused before it is scanned.
  if v_length > ((v_settings.max_envelope_bytes + 2) / 3) * 4 then
    perform parley_private.fail('directory_limit', 'Envelope too large');
  end if;
  if v_length is null or v_length = 0
     or (p_envelope ~ '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$') is not true then
    perform parley_private.fail('directory_rejected', 'Envelope must be non-empty standard base64');
  end if;
  v_bytes := (v_length / 4) * 3
    - case when p_envelope like '%==' then 2 when p_envelope like '%=' then 1 else 0 end;
  if v_bytes > v_settings.max_envelope_bytes then
    perform parley_private.fail('directory_limit', 'Envelope too large');
  end if;
  -- Locking the recipient serialises puts to one mailbox, so the pending cap
  -- holds under concurrent senders.
  perform 1 from parley_private.users u where u.username = p_recipient for no key update;
  if not found then
    perform parley_private.fail('directory_rejected', 'Unknown recipient');
  end if;
  perform parley_private.purge_expired();
  select pg_catalog.count(*) into v_pending from parley_private.mailbox m where m.recipient = p_recipient;
  if v_pending >= v_settings.max_pending_per_recipient then
    perform parley_private.fail('directory_limit', 'Recipient mailbox full');
  end if;
  insert into parley_private.mailbox (recipient, envelope) values (p_recipient, p_envelope)
  returning id into v_id;
  return v_id;
end
$$;

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
    order by m.seq
    limit least(p_limit, (select s.max_take_batch from parley_private.settings s));
end
$$;

create or replace function public.parley_mailbox_ack(p_username text, p_secret text, p_ids text[])
returns void language plpgsql security definer set search_path = '' as $$
begin
  perform parley_private.authenticate(p_username, p_secret);
  if p_ids is null then
    perform parley_private.fail('directory_rejected', 'Ack ids must be a list');
  end if;
  if pg_catalog.cardinality(p_ids) > (select s.max_take_batch from parley_private.settings s) then
    perform parley_private.fail('directory_limit', 'Ack batch too large');
  end if;
  delete from parley_private.mailbox m
  where m.recipient = p_username
    and m.id in (
      select x::uuid from pg_catalog.unnest(p_ids) x
      where x ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    );
end
$$;

-- Privileges ----------------------------------------------------------------

revoke all on all functions in schema parley_private from public, anon, authenticated;
revoke all on function
  public.parley_register(text, text, text, text, text),
  public.parley_heartbeat(text, text, text[]),
  public.parley_lookup(text[]),
  public.parley_publish_prekey(text, text, bigint, text, text, text),
  public.parley_mailbox_put(text, text),
  public.parley_mailbox_take(text, text, integer),
  public.parley_mailbox_ack(text, text, text[])
from public, anon, authenticated;
grant execute on function
  public.parley_register(text, text, text, text, text),
  public.parley_heartbeat(text, text, text[]),
  public.parley_lookup(text[]),
  public.parley_publish_prekey(text, text, bigint, text, text, text),
  public.parley_mailbox_put(text, text),
  public.parley_mailbox_take(text, text, integer),
  public.parley_mailbox_ack(text, text, text[])
to anon;

-- Let a running PostgREST (Supabase's Data API) see the new functions now.
notify pgrst, 'reload schema';
