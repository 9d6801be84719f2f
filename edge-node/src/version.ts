import pkg from '../package.json' with { type: 'json' };

export const EDGE_NODE_VERSION: string = pkg.version;
/** Pinned exactly (grid-design §11): the version the node advertises is the dependency's. */
export const NODE_LLAMA_CPP_VERSION: string = pkg.dependencies['node-llama-cpp'];
