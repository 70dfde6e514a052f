// Starts the slowest file (the packaged-consumer test: jsii compile, npm pack, offline install)
// first, so it runs beside the rest instead of after it. Jest's default order needs a timing
// cache that a fresh CI machine does not have.
const Sequencer = require('@jest/test-sequencer').default;

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const slow = (t) => (t.path.includes('/test/package/') ? 0 : t.path.includes('/test/compliance/') ? 1 : 2);
    return [...super.sort(tests)].sort((a, b) => slow(a) - slow(b));
  }
}
module.exports = SlowFirstSequencer;
