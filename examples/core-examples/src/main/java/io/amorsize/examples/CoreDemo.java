package io.amorsize.examples;

/** Prints a recommendation and its explanation for a sample workload (README command 1). */
public final class CoreDemo {
    public static void main(String[] args) {
        System.out.println("amorsize core demo: not implemented yet");
    }
}
