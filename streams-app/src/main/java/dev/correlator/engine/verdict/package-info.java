/**
 * The verdict function: whether one candidate cause explains one outage, and why.
 *
 * <p>Everything here is pure and Kafka-free so that the same rules can be unit-tested in isolation
 * and called from any processor of the topology. The topology rebuilds the inputs from its state
 * stores ({@link dev.correlator.engine.verdict.OutageView}, {@link dev.correlator.engine.verdict.CauseView},
 * {@link dev.correlator.engine.verdict.Hosting}, {@link dev.correlator.engine.verdict.StatusEvidence}) and
 * calls {@link dev.correlator.engine.verdict.VerdictJudge#judge} whenever one of them changes; the
 * result is a {@link dev.correlator.engine.verdict.Judgement}. The rules, the confidence formula and the
 * readings of the contract are written down in {@code docs/VERDICTS.md}.
 */
package dev.correlator.engine.verdict;
