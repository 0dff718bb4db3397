/**
 * The cluster and workload as the optimizer sees them, the {@link io.amorsize.model.CostModel}
 * that predicts a stage's makespan for a partition count and action, and a discrete-event
 * {@link io.amorsize.model.Simulator} that schedules sampled task times exactly as the engines do
 * and serves as the model's ground truth at scales beyond one machine.
 */
package io.amorsize.model;
