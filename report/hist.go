package report

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// HistOptions chooses the distributions PlotHist draws.
type HistOptions struct {
	Metric string            // the metric whose histograms to draw
	Where  map[string]string // parameters fixed to these values; every matching point is drawn
	LogX   bool              // log x axis (the default for log bins)
	LogY   bool              // log y axis
	Title  string
	Width  vg.Length
	Height vg.Length
}

// PlotHist draws the histogram of a metric at each point that matches
// o.Where, overlaid, as a density (count / (reps · bin width)) so points
// with different numbers of repetitions compare, and saves it to path
// (.png, .svg or .pdf). Values outside the histogram's range (its
// underflow and overflow counts) are not drawn; the legend says how many.
func PlotHist(f *File, o HistOptions, path string) error {
	if !contains(f.Metrics, o.Metric) {
		return fmt.Errorf("--hist %s: not a metric; the campaign has %s", o.Metric, strings.Join(f.Metrics, ", "))
	}
	edges := f.Bins[o.Metric]
	if len(edges) < 2 {
		return fmt.Errorf("--hist %s: results.json has no histogram (written by an older netsweep: run collect or run again)", o.Metric)
	}
	for k := range o.Where {
		if !contains(f.Params, k) {
			return fmt.Errorf("--where %s: not a swept parameter; the campaign sweeps %s", k, strings.Join(f.Params, ", "))
		}
	}
	logBins := edges[0] > 0 && len(edges) > 2 && edges[2]-edges[1] > 1.0001*(edges[1]-edges[0])
	logX := o.LogX || logBins
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png", ".svg", ".pdf":
	default:
		return fmt.Errorf("-o %s: write .png, .svg or .pdf", path)
	}

	type curve struct {
		label   string
		density []float64
		out     int64
	}
	var curves []curve
	lo, hi := len(edges), -1 // the non-empty bins of all curves
	floor := math.Inf(1)
	for i := range f.Points {
		p := &f.Points[i]
		skip := false
		for k, v := range o.Where {
			if p.ParamString(k) != v {
				skip = true
			}
		}
		h, ok := p.Hists[o.Metric]
		if skip || !ok || p.Reps == 0 || h.First < 0 || h.First+len(h.Counts) > len(edges)-1 {
			continue
		}
		var label []string
		for _, k := range f.Params {
			if _, fixed := o.Where[k]; !fixed {
				label = append(label, k+"="+p.ParamString(k))
			}
		}
		c := curve{label: strings.Join(label, " "), density: make([]float64, len(edges)-1), out: h.Under + h.Over}
		if c.label == "" {
			c.label = fmt.Sprintf("point %d", p.Index)
		}
		if c.out > 0 {
			c.label += fmt.Sprintf(" (%d outside)", c.out)
		}
		for j := range c.density {
			n := h.Count(j)
			if n == 0 {
				continue
			}
			c.density[j] = float64(n) / (float64(p.Reps) * (edges[j+1] - edges[j]))
			lo, hi = min(lo, j), max(hi, j)
			floor = min(floor, c.density[j])
		}
		curves = append(curves, c)
	}
	if len(curves) == 0 || hi < 0 {
		return fmt.Errorf("no point with values of %s matches --where %v", o.Metric, o.Where)
	}
	floor /= 2

	pl := plot.New()
	pl.Title.Text = o.Title
	pl.X.Label.Text = o.Metric
	pl.Y.Label.Text = "density"
	if logX {
		pl.X.Scale, pl.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	}
	if o.LogY {
		pl.Y.Scale, pl.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
		pl.Y.Min = floor
	}
	pl.Add(plotter.NewGrid())
	for i, c := range curves {
		var xys plotter.XYs
		for j := lo; j <= hi; j++ {
			y := c.density[j]
			if o.LogY && y == 0 {
				y = floor
			}
			x0, x1 := edges[j], edges[j+1]
			if logX && x0 <= 0 {
				if x1 <= 0 {
					continue // nothing to draw on a log axis
				}
				x0 = x1 / 2 // the first linear bin, drawn from half its width
			}
			xys = append(xys, plotter.XY{X: x0, Y: y}, plotter.XY{X: x1, Y: y})
		}
		if len(xys) == 0 {
			return fmt.Errorf("--logx: %s has no positive values to draw", o.Metric)
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i)
		pl.Add(line)
		pl.Legend.Add(c.label, line)
	}
	pl.Legend.Top = true
	w, h := o.Width, o.Height
	if w == 0 {
		w = 6 * vg.Inch
	}
	if h == 0 {
		h = 4 * vg.Inch
	}
	if err := pl.Save(w, h, path); err != nil {
		return fmt.Errorf("could not save the plot: %w", err)
	}
	return nil
}
