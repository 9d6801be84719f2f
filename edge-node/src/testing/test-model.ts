import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/**
 * The real tiny model for tests (grid-design §13.1): `../shared/models/stories260K.gguf` from the project
 * root (tried from a worktree too), or KOPROGO_TEST_MODEL. Absent → tests skip with a reason, unless
 * KOPROGO_REQUIRE_TEST_MODEL=1 (CI), which makes that a failure.
 */
export const TEST_MODEL_SHA256 = '247a25ed32cb767c1b66b69447b180fade94874732fbdeef04cd1c03619f55b7';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const candidates = [
  process.env.KOPROGO_TEST_MODEL,
  resolve(root, '../shared/models/stories260K.gguf'),
  resolve(root, '../../shared/models/stories260K.gguf'),
].filter((p): p is string => p != null && p !== '');

export const testModelPath: string | null = candidates.find((p) => existsSync(p)) ?? null;

if (testModelPath == null && process.env.KOPROGO_REQUIRE_TEST_MODEL === '1') {
  throw new Error(`KOPROGO_REQUIRE_TEST_MODEL=1 but stories260K.gguf is not at any of: ${candidates.join(', ')}`);
}
export const skipWithoutModel = testModelPath == null ? 'stories260K.gguf not found (see ../shared/models/README.md)' : false;
