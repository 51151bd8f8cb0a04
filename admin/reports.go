package admin

// ReportStore is what the console reads and keeps for the agencies' periodic reports (issue 8).
type ReportStore interface{}

func (c *Console) reportsRoutes() {}
