/**
 * Cases where the simulator does not yet do what RabbitMQ 3.10.8 did, each with the reason. The
 * replay test asserts that a listed case still differs: when the model is fixed, the test fails
 * until the case is removed from this list. Expected / got for each: DIFFERENCES.md.
 */
export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  "single-active-consumer-cancel-with-unacked":
    "SAC: after cancelling an active consumer with unacked deliveries, RabbitMQ hands over only on channel close",
  "single-active-consumer-cancel-then-ack":
    "SAC: RabbitMQ does not hand over when a cancelled active consumer's deliveries are acked; the model does",
};
