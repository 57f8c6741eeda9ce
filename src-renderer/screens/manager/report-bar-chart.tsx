// A bar chart drawn by Chart.js on a canvas. Chart.js (tree-shaken to bars)
// was chosen for the reports because it is small and well kept, handles the
// categorical bars these reports need (uPlot is built for time series), and
// runs under the renderer's CSP: it draws on canvas and sizes elements through
// CSSOM, injecting no <style> and evaluating no code. The canvas is an image
// for assistive technology; the same figures are in the table beside it.

import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** One bar chart: labels, one or two series of values (major units for money). */
export function ReportBarChart(props: { label: string; labels: string[]; series: { name: string; values: number[]; color: string }[]; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { labels, series } = props;
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: series.map((s) => ({ label: s.name, data: s.values, backgroundColor: s.color })) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: series.length > 1 }, y: { stacked: series.length > 1, beginAtZero: true } },
      },
    });
    return () => chart.destroy();
  }, [labels, series]);
  return (
    <figure className="report-chart" data-testid={props.testId}>
      <figcaption>{props.label}</figcaption>
      <div className="report-chart-canvas">
        <canvas ref={canvas} role="img" aria-label={`${props.label} (the same figures are in the table)`} />
      </div>
    </figure>
  );
}
