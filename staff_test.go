package azizayol

import "testing"

// A super-admin works with every agency's things, anyone else with her agency's.
func TestStaffScope(t *testing.T) {
	root, admin := Staff{Role: SuperAdmin}, Staff{Role: AgencyAdmin, AgencyID: 7}
	if root.Scope() != 0 || !root.WorksFor(7) || !root.WorksFor(8) {
		t.Errorf("super-admin: scope %d", root.Scope())
	}
	if admin.Scope() != 7 || !admin.WorksFor(7) || admin.WorksFor(8) || admin.WorksFor(0) {
		t.Errorf("agency admin: scope %d", admin.Scope())
	}
}
