package quota

import "fmt"

// FormatSize writes a byte count for people, in binary units as mail hosts
// count them: "950 B", "812.5 KiB", "1.5 MiB", "15.0 GiB".
func FormatSize(n int64) string {
	if n < 0 {
		return "-" + FormatSize(-n)
	}
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= 1024
		// Below 1023.95 so that it never prints "1024.0 KiB".
		if v < 1023.95 || unit == "TiB" {
			return fmt.Sprintf("%.1f %s", v, unit)
		}
	}
	return fmt.Sprintf("%d B", n)
}

// FormatPercent writes a fraction as a percentage: "79.3%"; 100% and more
// without decimals.
func FormatPercent(f float64) string {
	p := f * 100
	if p >= 100 {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}
