package admin_test

// broadcastsAuthzRoutes are the routes of broadcasts (issue 7) for the authorisation tests.
func broadcastsAuthzRoutes() []authzRoute { return nil }
