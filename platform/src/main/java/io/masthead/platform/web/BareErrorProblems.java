package io.masthead.platform.web;

import io.masthead.platform.validation.Violation;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;

/**
 * Gives a problem body to the error responses the HTTP server writes by itself, before any request reaches the
 * application, which would otherwise be bare: 414 (request line too long), 431 (headers too large) and 400 (a
 * request line or URI that cannot be parsed). Any error response without a body and without a content type,
 * except to a HEAD request, gets {@code application/problem+json} naming its status.
 */
public final class BareErrorProblems extends ChannelDuplexHandler {

    static final String NAME = "masthead-bare-error-problems";

    private HttpMethod lastMethod;
    private byte[] pendingBody;

    /** Installs the handler between the HTTP codec and the server's own handlers of every connection. */
    public static NettyServerCustomizer customizer() {
        return server -> server.doOnChannelInit((observer, channel, address) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null && channel.pipeline().get(NAME) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, new BareErrorProblems());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest request) {
            lastMethod = request.method();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && bare(response)) {
            byte[] body = body(response.status().code(), response.status().reasonPhrase());
            if (msg instanceof FullHttpResponse full) {
                if (full.content().readableBytes() == 0) {
                    FullHttpResponse problem = new DefaultFullHttpResponse(full.protocolVersion(), full.status(),
                            Unpooled.wrappedBuffer(body));
                    problem.headers().set(full.headers());
                    problem.headers().set(HttpHeaderNames.CONTENT_TYPE, Problems.PROBLEM_JSON.toString());
                    HttpUtil.setContentLength(problem, body.length);
                    full.release();
                    super.write(ctx, problem, promise);
                    return;
                }
            } else if (HttpUtil.getContentLength(response, -1L) == 0) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, Problems.PROBLEM_JSON.toString());
                HttpUtil.setContentLength(response, body.length);
                pendingBody = body;
            }
        } else if (msg instanceof LastHttpContent last && pendingBody != null && last.content().readableBytes() == 0) {
            byte[] body = pendingBody;
            pendingBody = null;
            last.release();
            super.write(ctx, new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)), promise);
            return;
        }
        super.write(ctx, msg, promise);
    }

    private boolean bare(HttpResponse response) {
        return response.status().code() >= 400 && lastMethod != HttpMethod.HEAD
                && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE);
    }

    private static byte[] body(int status, String reason) {
        String detail = switch (status) {
            case 414 -> "The request line (method, path and query) is too long";
            case 431 -> "The request's headers are too large";
            case 400 -> "The request line or its URI cannot be parsed";
            default -> reason;
        };
        return Problems.json(status, slug(status, reason), reason, detail, null,
                status == 400 ? List.of(new Violation("path", "is not a valid URI")) : List.of());
    }

    private static String slug(int status, String reason) {
        return status == 400 ? "invalid-request"
                : reason.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
