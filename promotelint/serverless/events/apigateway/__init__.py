"""The API Gateway compilers: REST API (`http` events, rest/), WebSocket API (`websocket`) and HTTP
API (`httpApi`). pipeline imports them only for a service that has such events."""
