// Loaded by mocha before any test file (see .mocharc.json). Mocha itself fails a test on an unhandled
// rejection; nothing else is global.
export {};
