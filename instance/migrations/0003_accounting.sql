-- 0003_accounting: filled by the money issue (see docs/architecture.md).
select 1;
