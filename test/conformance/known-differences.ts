/**
 * Cases where the simulator does not yet do what RabbitMQ 3.10.8 did, each with the reason. The
 * replay test asserts that a listed case still differs: when the model is fixed, the test fails
 * until the case is removed from this list. Expected / got for each: DIFFERENCES.md.
 */
export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  "round-robin-skips-full-consumer":
    "a consumer unblocked by an ack rejoins RabbitMQ's round-robin at the back; the model serves it next",
  "recover-two-consumers-one-channel":
    "basic.recover with two consumers on a channel: RabbitMQ redelivers m1, m3, m2 (per consumer?); the model m1, m2, m3",
};
