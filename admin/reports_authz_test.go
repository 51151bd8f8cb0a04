package admin_test

// reportsAuthzRoutes are the routes of the agencies' periodic reports (issue 8) for the authorisation tests.
func reportsAuthzRoutes() []authzRoute { return nil }
