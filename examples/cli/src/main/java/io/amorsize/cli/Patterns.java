package io.amorsize.cli;

/** Checks of user-given glob patterns (always applied inside the prefix). */
final class Patterns {

    private Patterns() {}

    static void check(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw CliException.usage("PATTERN must not be empty (use '*' for every key)");
        }
        if (pattern.chars().anyMatch(Character::isWhitespace)) {
            throw CliException.usage("PATTERN must not contain spaces");
        }
        if (pattern.length() > 512) {
            throw CliException.usage("PATTERN is longer than 512 characters");
        }
    }
}
