package io.amorsize.key;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.MessageDigest;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a function object into a digest for {@link FunctionFingerprint}. One instance per
 * fingerprint; not thread-safe. Every item is length-prefixed so that concatenations cannot collide.
 */
final class FingerprintWriter {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionFingerprint.class);
    private static final int MAX_DEPTH = 4;
    /** Most objects walked for one fingerprint (a function that captured a large object graph). */
    private static final int MAX_OBJECTS = 256;

    private static final int MAX_WARNED = 1024;
    /** Function classes already warned about (one WARN per class and JVM). Bounded. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private static final String LAMBDA_MARKER = "$$Lambda";

    private final MessageDigest digest;
    private final Map<Object, Boolean> visiting = new IdentityHashMap<>();
    private final Set<String> uncovered = new LinkedHashSet<>();
    /** Class files already read for this fingerprint, by loader and name: each is hashed once. */
    private final Map<String, byte[]> bytecodeDigests = new java.util.HashMap<>();

    private int objects;

    FingerprintWriter(MessageDigest digest) {
        this.digest = digest;
    }

    void function(Object fn) {
        string(digest, "amorsize-fingerprint-v1");
        write(fn, 0);
        if (!uncovered.isEmpty()) {
            SerializedLambda lambda = serializedLambda(fn);
            String name = lambda == null
                    ? stableName(fn.getClass())
                    : lambda.getImplClass().replace('/', '.') + "::" + lambda.getImplMethodName();
            if (WARNED.size() < MAX_WARNED && WARNED.add(name)) {
                LOG.warn(
                        "Fingerprint of {}: captured values are not covered ({}); a change in them will not "
                                + "invalidate cached profiles. Make them Serializable or give an explicit id and version.",
                        name,
                        String.join(", ", uncovered));
            }
        }
    }

    private void write(Object fn, int depth) {
        if (depth > MAX_DEPTH || visiting.containsKey(fn)) {
            string(digest, "ref:" + stableName(fn.getClass()));
            return;
        }
        if (++objects > MAX_OBJECTS) {
            string(digest, "truncated:" + stableName(fn.getClass()));
            uncovered.add("objects beyond the first " + MAX_OBJECTS);
            return;
        }
        visiting.put(fn, Boolean.TRUE);
        try {
            SerializedLambda lambda = serializedLambda(fn);
            if (lambda != null) {
                writeLambda(lambda, loaderOf(fn.getClass()), depth);
            } else if (isLambda(fn.getClass())) {
                writeOpaqueLambda(fn, depth);
            } else {
                writeObject(fn, depth);
            }
        } finally {
            visiting.remove(fn);
        }
    }

    private void writeLambda(SerializedLambda l, ClassLoader loader, int depth) {
        string(digest, "lambda");
        string(digest, l.getCapturingClass());
        string(digest, l.getFunctionalInterfaceClass());
        string(digest, l.getFunctionalInterfaceMethodName());
        string(digest, l.getFunctionalInterfaceMethodSignature());
        string(digest, l.getImplClass());
        string(digest, l.getImplMethodName());
        string(digest, l.getImplMethodSignature());
        string(digest, Integer.toString(l.getImplMethodKind()));
        string(digest, l.getInstantiatedMethodType());
        bytecode(loader, l.getImplClass());
        int n = l.getCapturedArgCount();
        string(digest, "captured:" + n);
        for (int i = 0; i < n; i++) {
            value(l.getCapturedArg(i), depth);
        }
    }

    /** A lambda that is not serializable: only its enclosing class and its captured fields are seen. */
    private void writeOpaqueLambda(Object fn, int depth) {
        Class<?> c = fn.getClass();
        String host = stableName(c);
        string(digest, "opaque-lambda");
        string(digest, host);
        bytecode(loaderOf(c), host.replace('.', '/'));
        uncovered.add("a non-serializable lambda of " + host + " is identified by its class only");
        Field[] fields = c.getDeclaredFields();
        string(digest, "fields:" + fields.length);
        for (Field f : fields) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            if (f.trySetAccessible()) {
                try {
                    value(f.get(fn), depth);
                } catch (IllegalAccessException e) {
                    uncovered.add("field " + f.getName());
                }
            } else {
                uncovered.add("field " + f.getName());
            }
        }
    }

    private void writeObject(Object fn, int depth) {
        Class<?> c = fn.getClass();
        string(digest, "object");
        string(digest, stableName(c));
        for (Class<?> k = c; k != null && !isJdk(k); k = k.getSuperclass()) {
            bytecode(loaderOf(k), stableName(k).replace('.', '/'));
        }
        boolean serialized = false;
        if (fn instanceof Serializable) {
            byte[] state = serialize(fn);
            if (state != null) {
                bytes("state", state);
                serialized = true;
            } else {
                uncovered.add("state of " + stableName(c) + " (not serializable)");
            }
        }
        // Code held in fields (a wrapped user function) is covered by recursing into non-JDK values;
        // primitive state of a non-serializable object is hashed field by field.
        for (Class<?> k = c; k != null && !isJdk(k); k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                if (!f.trySetAccessible()) {
                    if (!serialized) {
                        uncovered.add("field " + f.getName());
                    }
                    continue;
                }
                Object v;
                try {
                    v = f.get(fn);
                } catch (IllegalAccessException e) {
                    continue;
                }
                string(digest, "field:" + k.getName() + "." + f.getName());
                if (v == null) {
                    string(digest, "null");
                } else if (!isJdk(v.getClass()) || isLambda(v.getClass())) {
                    write(v, depth + 1);
                } else if (!serialized) {
                    value(v, depth);
                }
            }
        }
    }

    /** A captured value: recursion for functions, Java serialization for the rest. */
    private void value(Object v, int depth) {
        if (v == null) {
            string(digest, "null");
            return;
        }
        if (isLambda(v.getClass()) || serializedLambda(v) != null) {
            write(v, depth + 1);
            return;
        }
        if (v instanceof Serializable) {
            byte[] state = serialize(v);
            if (state != null) {
                bytes("value", state);
                return;
            }
        }
        if (!isJdk(v.getClass())) {
            // not serializable, but user code: take its class and fields
            write(v, depth + 1);
            return;
        }
        string(digest, "unserializable:" + stableName(v.getClass()));
        uncovered.add(stableName(v.getClass()));
    }

    private void bytecode(ClassLoader loader, String internalName) {
        String key = System.identityHashCode(loader) + "/" + internalName;
        byte[] known = bytecodeDigests.get(key);
        if (known != null) {
            bytes("bytecode-sha256:" + internalName, known);
            return;
        }
        String resource = internalName + ".class";
        byte[] code = null;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in != null) {
                code = in.readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            code = null;
        }
        if (code == null) {
            string(digest, "no-bytecode:" + internalName);
            uncovered.add("code of " + internalName.replace('/', '.') + " (no class file)");
        } else {
            byte[] hash = FunctionFingerprint.sha256().digest(code);
            bytecodeDigests.put(key, hash);
            bytes("bytecode-sha256:" + internalName, hash);
        }
    }

    private void bytes(String tag, byte[] b) {
        string(digest, tag);
        digest.update(intBytes(b.length));
        digest.update(b);
    }

    static void string(MessageDigest digest, String s) {
        byte[] b = FunctionFingerprint.utf8(s == null ? "\u0000null" : s);
        digest.update(intBytes(b.length));
        digest.update(b);
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] serialize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return null;
        }
        return bytes.toByteArray();
    }

    /** The SerializedLambda behind a serializable lambda or method reference, else null. */
    static SerializedLambda serializedLambda(Object fn) {
        Class<?> c = fn.getClass();
        if (!(fn instanceof Serializable) || !(c.isSynthetic() || c.isHidden())) {
            return null;
        }
        try {
            Method m = c.getDeclaredMethod("writeReplace");
            if (!m.trySetAccessible()) {
                return null;
            }
            Object r = m.invoke(fn);
            return r instanceof SerializedLambda s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isLambda(Class<?> c) {
        return (c.isSynthetic() || c.isHidden()) && c.getName().contains(LAMBDA_MARKER);
    }

    /** Class name without the per-run suffix of hidden classes ({@code Foo$$Lambda$14/0x...} → {@code Foo}). */
    static String stableName(Class<?> c) {
        String name = c.getName();
        int lambda = name.indexOf(LAMBDA_MARKER);
        if (lambda >= 0) {
            return name.substring(0, lambda);
        }
        int slash = name.indexOf('/');
        return slash >= 0 ? name.substring(0, slash) : name;
    }

    private static boolean isJdk(Class<?> c) {
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            return true;
        }
        ClassLoader l = c.getClassLoader();
        return l == null || l == ClassLoader.getPlatformClassLoader();
    }

    private static ClassLoader loaderOf(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }
}
