/**
 * The publish gate: the rules an evaluated adapter must pass before it is published to the registry
 * ({@link io.adapterforge.evaluation.gate.PublishGate}), their typed, validated configuration
 * ({@link io.adapterforge.evaluation.gate.GateConfig}, keys {@code publish.*}) and the recorded
 * outcome ({@link io.adapterforge.evaluation.gate.GateDecision}).
 */
package io.adapterforge.evaluation.gate;
