-- 0004_suppliers_and_expenses: filled by the money issue (see docs/architecture.md).
select 1;
