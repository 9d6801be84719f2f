// Every npm script must run on the Node 24 that the `node` devDependency installs.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`koprogo needs Node >= 24 (found ${process.versions.node}). Run it through npm scripts so node_modules/.bin/node is used.\n`);
  process.exit(1);
}
