package admin

// StatsStore is what the console reads and keeps for the platform's own figures (issue 8).
type StatsStore interface{}

func (c *Console) statsRoutes() {}
