-- The database safety net on holders' parts becomes exact (it compared a numeric sum with a
-- tolerance): parts are summed as fractions of integers, reduced by their gcd at each step.

-- Σ part_num/part_den of the lot's holdings on `at` whose right is in `rights`, compared with 1.
create function holdings_parts_exceed_one(p_lot uuid, p_at date, p_rights text[]) returns boolean
language plpgsql stable as $$
declare
  n numeric := 0;
  d numeric := 1;
  g numeric;
  h record;
begin
  for h in select part_num, part_den from holdings
            where lot_id = p_lot and right_kind = any(p_rights)
              and valid_from <= p_at and (valid_to is null or valid_to > p_at) loop
    n := n * h.part_den + h.part_num * d;
    d := d * h.part_den;
    g := gcd(n, d);
    n := n / g;
    d := d / g;
  end loop;
  return n > d;
end $$;

create or replace function holdings_check_parts() returns trigger language plpgsql as $$
declare
  at_date date;
begin
  perform 1 from lots l where l.id = new.lot_id for no key update;
  -- The sums only rise where some holding starts: check each start inside the changed row's span.
  for at_date in select new.valid_from
                 union
                 select o.valid_from from holdings o
                  where o.lot_id = new.lot_id and o.valid_from > new.valid_from
                    and (new.valid_to is null or o.valid_from < new.valid_to)
                 order by 1 loop
    if holdings_parts_exceed_one(new.lot_id, at_date, array['full', 'usufruct'])
       or holdings_parts_exceed_one(new.lot_id, at_date, array['full', 'bare']) then
      raise exception 'holding.parts_exceed_whole'
        using detail = format('On %s the parts of this lot would exceed 100 %%', at_date),
              hint = json_build_object('field', 'holdings', 'date', at_date, 'lotId', new.lot_id)::text;
    end if;
  end loop;
  return null;
end $$;
