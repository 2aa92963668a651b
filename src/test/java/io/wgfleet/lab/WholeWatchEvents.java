package io.wgfleet.lab;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;

/**
 * Watch events written whole, as one WebSocket frame each, as a real API server writes them.
 * The mock server writes an event larger than one frame (64 KiB) as several frames from its
 * own sender thread, and after the first such event no later event of that watch reached the
 * client, with nothing logged and the connection left open: the operator never saw a
 * concentrator's node report (BigObjectWatchTest holds it). Sends are serialized per socket.
 */
final class WholeWatchEvents {

    private WholeWatchEvents() {
    }

    /** The response with its WebSocket's sends serialized, when it upgrades to one. */
    static MockResponse of(MockResponse response) {
        WebSocketListener listener = response == null ? null : response.getWebSocketListener();
        return listener == null ? response : response.withWebSocketUpgrade(new Serialized(listener));
    }

    private static final class Serialized extends WebSocketListener {
        private final WebSocketListener delegate;
        private volatile WebSocket wrapped;

        Serialized(WebSocketListener delegate) {
            this.delegate = delegate;
        }

        private WebSocket wrap(WebSocket ws) {
            WebSocket w = wrapped;
            if (w == null) {
                w = new OneAtATime(ws);
                wrapped = w;
            }
            return w;
        }

        @Override
        public void onBeforeAccept(WebSocket ws, Response r) {
            delegate.onBeforeAccept(wrap(ws), r);
        }

        @Override
        public void onOpen(WebSocket ws, Response r) {
            delegate.onOpen(wrap(ws), r);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            delegate.onMessage(wrap(ws), text);
        }

        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
            delegate.onMessage(wrap(ws), bytes);
        }

        @Override
        public void onMessage(WebSocket ws, byte[] bytes) {
            delegate.onMessage(wrap(ws), bytes);
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            delegate.onClosing(wrap(ws), code, reason);
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            delegate.onClosed(wrap(ws), code, reason);
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response r) {
            delegate.onFailure(wrap(ws), t, r);
        }
    }

    /** The Vert.x socket under the mock's WebSocket, to write an event as one frame; null when it is another kind. */
    private static ServerWebSocket raw(WebSocket ws) {
        try {
            java.lang.reflect.Field f = ws.getClass().getDeclaredField("webSocket");
            f.setAccessible(true);
            return f.get(ws) instanceof ServerWebSocket s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Queues all frames of one message before the next message's (the event loop keeps that order). */
    private record OneAtATime(WebSocket ws) implements WebSocket {
        @Override
        public RecordedRequest request() {
            return ws.request();
        }

        @Override
        public boolean send(String text) {
            synchronized (this) {
                ServerWebSocket raw = raw(ws);
                if (raw == null) {
                    return ws.send(text);
                }
                raw.writeFrame(WebSocketFrame.textFrame(text, true));
                return true;
            }
        }

        @Override
        public boolean send(byte[] bytes) {
            synchronized (this) {
                ws.send(bytes);
                return true;
            }
        }

        @Override
        public boolean close(int code, String reason) {
            synchronized (this) {
                return ws.close(code, reason);
            }
        }
    }
}
