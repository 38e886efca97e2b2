/**
 * Cases where the simulator does not yet do what RabbitMQ 3.10.8 did, each with the reason. The
 * replay test asserts that a listed case still differs: when the model is fixed, the test fails
 * until the case is removed from this list. Expected / got for each: DIFFERENCES.md.
 */
export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  "queue-expires-lease-renewed":
    "RabbitMQ 3.10.8 renews an x-expires lease on a redeclare and on a passive declare; the model does not",
  "single-active-consumer-ignores-priority":
    "classic SAC queue: RabbitMQ 3.10.8 keeps the first consumer active; the model picks the higher x-priority",
  "e2e-destination-alternate-exchange":
    "an exchange reached via an e2e binding that routes nowhere: RabbitMQ uses its AE, the model returns the message",
};
