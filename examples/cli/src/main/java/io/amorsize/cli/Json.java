package io.amorsize.cli;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The CLI's Jackson mapper for files an operator hands in (prewarm specs, bundles): strict, because
 * Jackson's defaults coerce "4000000" to a number, truncate 3.9 to 3, let a duplicate key's last
 * value win and ignore trailing garbage. No default typing anywhere. Records read with it use boxed
 * fields and check required ones by name, so a missing field is an error, never a silent 0.
 */
final class Json {

    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(
                    LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert))
            .withCoercionConfig(
                    LogicalType.Enum, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert))
            .withCoercionConfig(
                    LogicalType.Float,
                    c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert)
                            .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
            .build();

    private Json() {}

    /** One line describing a Jackson failure, with the JSON path, without Jackson's source excerpt. */
    static String describe(com.fasterxml.jackson.core.JacksonException e) {
        String msg = e.getOriginalMessage();
        if (msg != null) {
            int nl = msg.indexOf('\n');
            if (nl >= 0) {
                msg = msg.substring(0, nl);
            }
        }
        String where = "";
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jme
                && !jme.getPath().isEmpty()) {
            where = " at " + path(jme.getPath());
        }
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            where += " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
        }
        return msg + where;
    }

    private static String path(java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder("$");
        for (var r : refs) {
            if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            }
        }
        return sb.toString();
    }
}
