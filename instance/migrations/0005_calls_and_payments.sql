-- 0005_calls_and_payments: filled by the money issue (see docs/architecture.md).
select 1;
