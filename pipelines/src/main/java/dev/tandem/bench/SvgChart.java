package dev.tandem.bench;

import java.util.List;
import java.util.Locale;

/**
 * A small line chart as inline SVG, for self-contained HTML reports: one series over time, with
 * shaded bands (the injected faults) and labelled axes.
 */
final class SvgChart {
    /** A shaded span of the time axis, in seconds from the start. */
    record Band(double from, double to, String label) {}

    private static final int WIDTH = 720;
    private static final int HEIGHT = 200;
    private static final int LEFT = 60;
    private static final int BOTTOM = 30;

    private SvgChart() {}

    static String render(String title, String unit, double[] seconds, double[] values, List<Band> bands) {
        double maxX = Math.max(1, seconds.length == 0 ? 1 : seconds[seconds.length - 1]);
        double maxY = 0;
        for (double v : values) {
            maxY = Math.max(maxY, v);
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.1;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<h3>%s</h3><svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">",
                title, WIDTH, HEIGHT, title));
        for (Band band : bands) {
            double x0 = x(band.from(), maxX);
            double x1 = Math.max(x0 + 2, x(band.to(), maxX));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#f4c7c3\">"
                    + "<title>%s</title></rect>", x0, x1 - x0, HEIGHT - BOTTOM, band.label()));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, HEIGHT - BOTTOM,
                WIDTH, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, LEFT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"12\" font-size=\"11\">%s</text>", format(maxY) + " " + unit));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.0f s</text>", WIDTH - 50, HEIGHT - 8, maxX));
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < seconds.length; i++) {
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(seconds[i], maxX), y(values[i], maxY)));
        }
        svg.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"").append(points).append("\"/>");
        return svg.append("</svg>").toString();
    }

    private static double x(double seconds, double maxX) {
        return LEFT + (WIDTH - LEFT) * seconds / maxX;
    }

    private static double y(double value, double maxY) {
        return (HEIGHT - BOTTOM) * (1 - value / maxY);
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
