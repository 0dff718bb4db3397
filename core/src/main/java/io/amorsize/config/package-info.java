/**
 * Every option, defined once as a typed {@link io.amorsize.config.Option} in
 * {@link io.amorsize.config.Options} (key, type, default, description, environment variable, parser,
 * whether it is a secret), and
 * {@link io.amorsize.config.Settings}, the resolved values: per-call options, then the engine's
 * configuration ({@code spark.amorsize.*} or Flink's {@code amorsize.*}), then {@code AMORSIZE_*}
 * environment variables, then defaults. The README's options tables are generated from
 * {@link io.amorsize.config.Options#ALL}, and the plugins' option tests fail when they drift.
 * {@code Settings.toString()} masks secrets.
 */
package io.amorsize.config;
