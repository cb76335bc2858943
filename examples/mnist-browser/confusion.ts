// The confusion matrix of the held-out digits, as a table: a row per true digit, a column per answer, each
// cell shaded by the share of its row (green on the diagonal, where the answers are right; red elsewhere).

/** Fills `table` from matrix[label][predicted], or empties and hides it for null. */
export function drawConfusion(table: HTMLTableElement, matrix: number[][] | null): void {
  table.hidden = matrix === null;
  table.replaceChildren();
  if (!matrix) return;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const right = matrix.reduce((sum, row, label) => sum + row[label], 0);
  table.createCaption().textContent = `${right.toLocaleString('en')} of ${total.toLocaleString('en')} held-out digits right (${((right / total) * 100).toFixed(2)}%). Rows: the true digit; columns: the network's answer.`;
  const head = table.createTHead().insertRow();
  head.append(header('', 'col'), ...matrix.map((_, predicted) => header(String(predicted), 'col')));
  const body = table.createTBody();
  matrix.forEach((row, label) => {
    const tr = body.insertRow();
    tr.append(header(String(label), 'row'));
    const rowTotal = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, predicted) => {
      const cell = tr.insertCell();
      cell.textContent = String(count);
      cell.dataset.count = String(count);
      const share = count / rowTotal;
      // Off the diagonal even one digit in a hundred shows, so the shade grows faster there.
      const hue = label === predicted ? '31 157 99' : '205 60 50';
      const alpha = label === predicted ? share * 0.55 : Math.min(0.7, share * 6);
      if (count > 0) cell.style.background = `rgb(${hue} / ${alpha.toFixed(3)})`;
      if (label === predicted) cell.className = 'right';
    });
  });
}

function header(text: string, scope: 'col' | 'row'): HTMLTableCellElement {
  const th = document.createElement('th');
  th.scope = scope;
  th.textContent = text;
  return th;
}
