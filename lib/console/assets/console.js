/* Clearing Console — progressive enhancement only: every view works without this script.
 * Charts are drawn with the locally bundled Chart.js from the page's JSON twin (#view-model), the same document
 * /api/… returns. Filters apply on their button, never on a change of selection (no change of context while a
 * keyboard user moves through a list). No network call, no storage: it runs the same inside n8n's sandboxed pages. */
(function () {
	'use strict';
	function model() {
		var node = document.getElementById('view-model');
		if (!node) return null;
		try { return JSON.parse(node.textContent || 'null'); } catch (e) { return null; }
	}
	function drawCharts(view) {
		if (typeof window.Chart === 'undefined' || !view || !view.perEmsp) return;
		var perEmsp = document.getElementById('chart-per-emsp');
		if (perEmsp && view.perEmsp.length) {
			new window.Chart(perEmsp, {
				type: 'bar',
				data: {
					labels: view.perEmsp.map(function (l) { return l.emsp + ' (' + l.currency + ')'; }),
					datasets: [
						{ label: perEmsp.getAttribute('data-label-invoiced'), data: view.perEmsp.map(function (l) { return Number(l.invoiced); }), backgroundColor: '#0b5cad' },
						{ label: perEmsp.getAttribute('data-label-collected'), data: view.perEmsp.map(function (l) { return Number(l.collected); }), backgroundColor: '#1b6b2a' }
					]
				},
				options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } }
			});
		}
		var aging = document.getElementById('chart-aging');
		if (aging && view.aging.length) {
			var buckets = ['current', '1-30', '31-60', '61-90', '>90'];
			var names = JSON.parse(aging.getAttribute('data-labels') || '[]');
			var colours = ['#1b6b2a', '#b58b00', '#c25e00', '#a83a12', '#7d1111'];
			new window.Chart(aging, {
				type: 'bar',
				data: {
					labels: view.aging.map(function (l) { return l.emsp + ' (' + l.currency + ')'; }),
					datasets: buckets.map(function (b, i) {
						return { label: names[i] || b, data: view.aging.map(function (l) { return Number(l.buckets[b]); }), backgroundColor: colours[i] };
					})
				},
				options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true } }, plugins: { legend: { position: 'bottom' } } }
			});
		}
	}
	document.addEventListener('DOMContentLoaded', function () {
		drawCharts(model());
	});
})();
