package main

import (
	"encoding/csv"
	"errors"
	"io"
	"os"

	"github.com/xuri/excelize/v2"
)

// toWorkbook copies a CSV into one sheet through excelize's stream writer,
// so a workbook of Excel's full 1,048,576 rows is written in bounded memory.
func toWorkbook(csvPath, xlsxPath string) error {
	in, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	defer in.Close()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	r := csv.NewReader(in)
	cells := []any{}
	for row := 1; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		cells = cells[:0]
		for _, v := range rec {
			cells = append(cells, v)
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(xlsxPath)
}
