/**
 * The operator command line: {@code amorsize stats | list | show KEY | clear [PATTERN] | prewarm FILE |
 * export FILE | import FILE | doctor}.
 *
 * <p>Every command works against a {@link io.amorsize.cache.RecommendationStore}: Redis when a URL is
 * given ({@code --redis-url} or {@code AMORSIZE_REDIS_URL}), else the local file store in
 * {@code --cache-dir}. Exit codes: 0 ok, 1 a check or operation failed, 2 usage error or bad input.
 * Errors are one line on stderr, never a stack trace, and never contain a password.
 */
package io.amorsize.cli;
