/** A canonical UUID (any version), as PostgreSQL's `uuid` type prints it. Pure: domain files may use it. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (v: string): boolean => UUID.test(v);
