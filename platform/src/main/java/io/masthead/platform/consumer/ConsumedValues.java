package io.masthead.platform.consumer;

import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * For batch listeners, which receive records whose value could not be decoded as {@code null} values (the
 * deserializer's exception is in a header): {@link #value} gives the value or throws that exception, so the
 * listener can report the record with {@code BatchListenerFailedException} and its index. Record listeners need
 * none of this: the container does it for them.
 */
public final class ConsumedValues {

    private static final LogAccessor LOG = new LogAccessor(LogFactory.getLog(ConsumedValues.class));

    private ConsumedValues() {
    }

    /**
     * @throws DeserializationException when the value could not be decoded (its cause says whether it is poison)
     * @throws PoisonRecordException    when there is no value at all (a tombstone on an event topic)
     */
    public static Object value(ConsumerRecord<?, ?> record) {
        if (record.value() != null) {
            return record.value();
        }
        DeserializationException failure = SerializationUtils.getExceptionFromHeader(record,
                SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
        if (failure != null) {
            throw failure;
        }
        throw new PoisonRecordException("record " + record.topic() + "/" + record.partition() + "@" + record.offset()
                + " has no value");
    }
}
