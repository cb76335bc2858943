// The entry of require('neurite') where Node cannot load it as an ES module. Node with require(esm) (20.19+,
// 22.12+) matches the "module-sync" condition first and never reads this file, so import and require share one
// instance; older Node, and tools that follow only the "require" condition, land here.
'use strict';

if (!process.features.require_module) {
  throw new Error(`neurite is an ES module: use import * as tf from 'neurite' or const tf = await import('neurite'); require('neurite') needs Node 20.19+ or 22.12+, whose require() loads ES modules`);
}
module.exports = require('./dist/index.js');
