/**
 * Cases where the simulator does not yet do what RabbitMQ 3.10.8 did, each with the reason. The
 * replay test asserts that a listed case still differs: when the model is fixed, the test fails
 * until the case is removed from this list. Expected / got for each: DIFFERENCES.md.
 */
export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {};
