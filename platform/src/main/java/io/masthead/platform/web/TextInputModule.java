package io.masthead.platform.web;

import io.masthead.platform.validation.Text;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.jackson.JsonNodeDeserializer;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.module.SimpleDeserializers;
import tools.jackson.databind.module.SimpleModule;

/**
 * Applies {@link Text} to every string a JSON body carries — string values of typed bodies, object keys
 * (metadata), and every string and key of bodies read as trees (merge patches) — as they are read, so no
 * controller can forget it. A refusal is an {@link InvalidTextException} naming the field.
 */
public final class TextInputModule extends SimpleModule {

    public TextInputModule() {
        super("masthead-text-input");
        // trees (JsonNode bodies) are made by their own factory path, which modifiers do not see
        setDeserializers(new SimpleDeserializers() {
            @Override
            public ValueDeserializer<?> findTreeNodeDeserializer(JavaType type, DeserializationConfig config,
                    BeanDescription.Supplier description) {
                return new Checked(JsonNodeDeserializer.getDeserializer(type.getRawClass()));
            }
        });
        setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config,
                    BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
                Class<?> type = description.getBeanClass();
                if (type == String.class) {
                    return new Checked(deserializer);
                }
                return deserializer;
            }

            @Override
            public KeyDeserializer modifyKeyDeserializer(DeserializationConfig config, JavaType type,
                    KeyDeserializer deserializer) {
                return type.getRawClass() == String.class ? new CheckedKey(deserializer) : deserializer;
            }
        });
    }

    /** Reads with the standard deserializer, then checks what it read. */
    private static final class Checked extends DelegatingDeserializer {

        Checked(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new Checked(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            // where the value starts: for a structure, the parser has already entered its own context
            boolean structure = p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY;
            String at = path(structure ? p.streamReadContext().getParent() : p.streamReadContext());
            Object value = super.deserialize(p, ctxt);
            check(p, at, value);
            return value;
        }

        private static void check(JsonParser p, String at, Object value) {
            if (value instanceof String text) {
                String problem = Text.problem(text);
                if (problem != null) {
                    throw new InvalidTextException(p, name(at), problem);
                }
            } else if (value instanceof JsonNode node) {
                checkTree(p, at, node);
            }
        }

        private static void checkTree(JsonParser p, String at, JsonNode node) {
            if (node.isString()) {
                check(p, at, node.asString());
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    String keyProblem = Text.problem(entry.getKey());
                    if (keyProblem != null) {
                        throw new InvalidTextException(p, name(at), "keys " + keyProblem);
                    }
                    checkTree(p, join(at, entry.getKey()), entry.getValue());
                }
            } else if (node.isArray()) {
                int i = 0;
                for (JsonNode element : node.values()) {
                    checkTree(p, at + "[" + i++ + "]", element);
                }
            }
        }
    }

    /** Object keys (e.g. metadata keys): the problem names the object. */
    private static final class CheckedKey extends KeyDeserializer {

        private final KeyDeserializer delegate;

        CheckedKey(KeyDeserializer delegate) {
            this.delegate = delegate;
        }

        @Override
        public void resolve(DeserializationContext ctxt) {
            delegate.resolve(ctxt);
        }

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) {
            String problem = Text.problem(key);
            if (problem != null) {
                JsonParser p = ctxt.getParser();
                TokenStreamContext context = p == null ? null : p.streamReadContext();
                throw new InvalidTextException(p, name(context == null ? "" : path(context.getParent())),
                        "keys " + problem);
            }
            return delegate.deserializeKey(key, ctxt);
        }
    }

    /** The dotted path of the value the context is at: {@code metadata.plan}, {@code enabled_events[2]}. */
    static String path(TokenStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.currentName() != null) {
                parts.push(c.currentName());
            } else if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        String path = "";
        for (String part : parts) {
            path = part.startsWith("[") ? path + part : join(path, part);
        }
        return path;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String name(String path) {
        return path.isEmpty() ? "body" : path;
    }
}
