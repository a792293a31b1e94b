import Hummingbird

/// Turns the router's bare "not found" into the API's JSON 404, so a client that asks for
/// something that does not exist learns what does.
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw APIError.noRoute(request)
        }
    }
}

extension Router {
    typealias Handler = @Sendable (Request, Context) async throws -> Response

    /// The methods a route that does not handle them answers with 405.
    private static var refusedMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete, .options, .trace] }

    /// Adds `path` with a handler for each of its methods, and answers the other common methods
    /// there with a JSON 405 whose `Allow` header lists these, instead of the router's 404.
    func route(_ path: RouterPath, _ handlers: KeyValuePairs<HTTPRequest.Method, Handler>) {
        let allowed = handlers.map(\.key)
        for (method, handler) in handlers {
            on(path, method: method, use: handler)
        }
        for method in Self.refusedMethods where !allowed.contains(method) {
            on(path, method: method) { request, _ -> Response in
                throw APIError.methodNotAllowed(request, allowed: allowed)
            }
        }
    }
}
