package io.masthead.platform.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.function.Function;

/** A page of a list: {@code {"data": [...], "has_more": bool, "next_cursor": "..."}}. */
public record ListResponse<T>(
        @Schema(description = "This page's objects, newest first") List<T> data,
        @Schema(description = "Whether more objects follow this page") boolean hasMore,
        @Schema(description = "When `has_more`: pass it as `starting_after` to get the next page")
        String nextCursor) {

    /**
     * Builds a page from rows fetched with {@link PageRequest#fetchSize()}: the extra row, if any,
     * only signals that there is more.
     */
    public static <T> ListResponse<T> of(List<T> fetched, PageRequest page, Function<T, String> idOf) {
        boolean hasMore = fetched.size() > page.limit();
        List<T> data = hasMore ? fetched.subList(0, page.limit()) : fetched;
        String next = hasMore ? idOf.apply(data.getLast()) : null;
        return new ListResponse<>(List.copyOf(data), hasMore, next);
    }

    public <R> ListResponse<R> map(Function<T, R> mapper) {
        return new ListResponse<>(data.stream().map(mapper).toList(), hasMore, nextCursor);
    }
}
