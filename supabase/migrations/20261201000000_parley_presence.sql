-- Parley directory: signed presence records.
--
-- A host now publishes where it can be reached as one record signed by its
-- Ed25519 identity key: {addresses, dhtKey, issuedAt, signature} (see
-- docs/protocol.md). The directory stores it as sent and hands it back with
-- lookups; it checks the record's shape, never its signature, and it never
-- has to be trusted with it: clients believe addresses and the DHT key only
-- from a record that verifies under the friend's pinned key, and never accept
-- an `issuedAt` older than the one they hold.
--
-- Apply after 20261127000000_parley_directory.sql, the same way (`supabase
-- db push`, or paste into the SQL editor). It only adds: one column, one new
-- function, one more column in parley_lookup's result.
--
-- Moving a directory whose users run older hosts:
--   * Old hosts keep working unchanged. They still call
--     parley_heartbeat(text, text, text[]), which still sets `addresses`,
--     `last_seen` and `last_ip` (and leaves `presence` as it was), and they
--     read parley_lookup's old columns; the new `presence` column is ignored
--     by them.
--   * New hosts call parley_heartbeat_presence, which also writes the
--     record's addresses into `addresses`, so old hosts can still dial them.
--   * What does not work until the old side upgrades: a new host never dials
--     an old host, because an old host publishes no signed record (its
--     `presence` is null) and unsigned addresses are no longer believed.
--     Between a new and an old host a live session therefore forms only when
--     the old host dials; messages still flow through the mailbox either way.
--     A new host's heartbeat clears nothing an old host needs.
--
-- Input patterns match native-host/src/directory/validation.ts.

alter table parley_private.users add column if not exists presence jsonb;

create or replace function public.parley_heartbeat_presence(p_username text, p_secret text, p_presence jsonb)
returns void language plpgsql security definer set search_path = '' as $$
declare
  v_addresses jsonb;
  v_dht_key jsonb;
  v_first text;
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

  v_first := v_addresses ->> 0;
  update parley_private.users u
  set presence = pg_catalog.jsonb_build_object(
        'addresses', v_addresses,
        'dhtKey', v_dht_key,
        'issuedAt', p_presence -> 'issuedAt',
        'signature', p_presence -> 'signature'),
      -- Kept for hosts that predate presence records (see the header).
      addresses = array(select pg_catalog.jsonb_array_elements_text(v_addresses)),
      last_seen = pg_catalog.now(),
      last_ip = case when v_first is null then null else pg_catalog.regexp_replace(
        pg_catalog.regexp_replace(v_first, ':[0-9]+$', ''), '^\[(.*)\]$', '\1') end
  where u.username = p_username;
end
$$;

-- parley_lookup gains the `presence` column; its result type changes, so it
-- is dropped and created again (same arguments, same grant below).
drop function if exists public.parley_lookup(text[]);

create function public.parley_lookup(p_usernames text[])
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
    select u.username, u.public_key, u.signing_key, u.signature, u.addresses, u.last_seen, u.last_ip,
      coalesce((
        select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'id', p.id, 'publicKey', p.public_key, 'createdAt', p.created_at, 'signature', p.signature
        ) order by p.id desc)
        from parley_private.prekeys p where p.username = u.username
      ), '[]'::jsonb),
      u.presence
    from (
      select w.name, pg_catalog.min(w.ord) as ord
      from pg_catalog.unnest(p_usernames) with ordinality as w(name, ord)
      group by w.name
    ) wanted
    join parley_private.users u on u.username = wanted.name
    order by wanted.ord;
end
$$;

revoke all on function
  public.parley_heartbeat_presence(text, text, jsonb),
  public.parley_lookup(text[])
from public, anon, authenticated;
grant execute on function
  public.parley_heartbeat_presence(text, text, jsonb),
  public.parley_lookup(text[])
to anon;

notify pgrst, 'reload schema';
