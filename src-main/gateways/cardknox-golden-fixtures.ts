// Real gateway answers, captured by others and published, used as golden
// fixtures: the client must read every one of them. Bodies are copied as
// captured (card numbers there are already masked; tokens are opaque).
//
// Transaction answers: dlehren/omnipay-cardknox tests/Mock/*.txt (the HTTP
// body of each captured response, with its Content-Type: the real gateway
// answered form-encoded fields labelled text/html). Their xRefNum values were
// replaced by the capturer with 123456789; xRefNumCurrent kept a number of its own.
//
// Report rows: the xRefNum, xAmount and xEnteredDate values of real
// report:all rows printed in Moshe844/Cardknox-reporting-api test.txt (read
// from https://x1.cardknox.com/reportjson by its server.js, which reads the
// masked number as "xMaskedCardnumber"); the envelope (xResult,
// xRecordsReturned, xReportData) and the card fields are ours.

/** One captured answer. */
export interface GoldenAnswer {
  source: string;
  contentType: string;
  body: string;
}

export const GOLDEN_TRANSACTIONS = {
  purchaseSuccess: {
    source: 'dlehren/omnipay-cardknox tests/Mock/PurchaseSuccess.txt',
    contentType: 'text/html',
    body:
      'xResult=A&xStatus=Approved&xError=&xRefNum=123456789&xAuthCode=230809&xBatch=347&xAvsResultCode=YYY' +
      '&xAvsResult=Address%3a+Match+%26+5+Digit+Zip%3a+Match&xCvvResultCode=M&xCvvResult=Match&xAuthAmount=10.00' +
      '&xToken=f0b84a5b181749b4b0d77f6291a753ab&xMaskedCardNumber=4xxxxxxxxxxx2224&xName=Longbob+Longsen\n',
  },
  purchaseFailure: {
    source: 'dlehren/omnipay-cardknox tests/Mock/PurchaseFailure.txt',
    contentType: 'text/html; charset=utf-8',
    body:
      'xResult=D&xStatus=Declined&xError=Invalid+CVV&xRefNum=123456789&xAuthCode=&xBatch=&xAvsResultCode=NNN' +
      '&xAvsResult=Address%3a+No+Match+%26+5+Digit+Zip%3a+No+Match&xCvvResultCode=N&xCvvResult=No+Match' +
      '&xToken=8138747e41894071a353318541d2ee8c\n',
  },
  authorizeSuccess: {
    source: 'dlehren/omnipay-cardknox tests/Mock/AuthorizeSuccess.txt',
    contentType: 'text/html; charset=utf-8',
    body:
      'xResult=A&xStatus=Approved&xError=&xRefNum=123456789&xAuthCode=630421&xBatch=&xAvsResultCode=NNN' +
      '&xAvsResult=Address%3a+No+Match+%26+5+Digit+Zip%3a+No+Match&xCvvResultCode=N&xCvvResult=No+Match&xAuthAmount=10.00' +
      '&xToken=62d4fd9aebd240659d68ffaa156d1788&xMaskedCardNumber=4xxxxxxxxxxx2224&xName=Longbob+Longsen',
  },
  captureSuccess: {
    source: 'dlehren/omnipay-cardknox tests/Mock/CaptureSuccess.txt',
    contentType: 'text/html; charset=utf-8',
    body:
      'xResult=A&xStatus=Approved&xError=&xRefNum=123456789&xRefNumCurrent=1234567810&xAuthCode=&xBatch=321&xAvsResultCode=' +
      '&xAvsResult=Unmapped+AVS+response&xCvvResultCode=&xCvvResult=No+CVV+data+available&xAuthAmount=2.06' +
      '&xToken=f9097326fb1c4976a6da75ccb872f28a&xMaskedCardNumber=4xxxxxxxxxxx2224&xName=Longbob+Longsen\n',
  },
  voidSuccess: {
    source: 'dlehren/omnipay-cardknox tests/Mock/VoidSuccess.txt',
    contentType: 'text/html; charset=utf-8',
    body:
      'xResult=A&xStatus=Approved&xError=&xRefNum=123456789&xRefNumCurrent=15308172&xAuthCode=912013&xBatch=&xAvsResultCode=' +
      '&xAvsResult=Unmapped+AVS+response&xCvvResultCode=&xCvvResult=No+CVV+data+available&xAuthAmount=2.33' +
      '&xMaskedCardNumber=4xxxxxxxxxxx2224&xName=Longbob+Longsen\n',
  },
  voidFailure: {
    source: 'dlehren/omnipay-cardknox tests/Mock/VoidFailure.txt',
    contentType: 'text/html; charset=utf-8',
    body: 'xResult=E&xStatus=Error&xAuthCode=000000&xError=Original+transaction+not+specified&xRefNum=123456789&xErrorCode=00000\n',
  },
  refundSuccess: {
    source: 'dlehren/omnipay-cardknox tests/Mock/RefundSuccess.txt',
    contentType: 'text/html',
    body:
      'xResult=A&xStatus=Approved&xError=&xRefNum=123456789&xRefNumCurrent=15308172&xAuthCode=912013&xBatch=&xAvsResultCode=' +
      '&xAvsResult=Unmapped+AVS+response&xCvvResultCode=&xCvvResult=No+CVV+data+available&xAuthAmount=2.33' +
      '&xMaskedCardNumber=4xxxxxxxxxxx2224&xName=Longbob+Longsen\n',
  },
} satisfies Record<string, GoldenAnswer>;

/** A report answer with real row values (see the header): 12-hour US dates, "xMaskedCardnumber" spelling. */
export const GOLDEN_REPORT: GoldenAnswer = {
  source: 'Moshe844/Cardknox-reporting-api test.txt (row values) and server.js (field names)',
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({
    xResult: 'A',
    xStatus: 'Success',
    xError: '',
    xRecordsReturned: '3',
    xReportData: [
      { xRefNum: '780787663', xAmount: '1.99', xEnteredDate: '1/2/2023 10:49:06 AM', xCardType: 'Visa', xMaskedCardnumber: '4xxxxxxxxxxx2224', xInvoice: 'R1T1P1', xResponseResult: 'Approved', xCommand: 'cc:sale' },
      { xRefNum: '780974950', xAmount: '1.00', xEnteredDate: '1/2/2023 3:07:33 PM', xCardType: 'MasterCard', xMaskedCardNumber: '555555******4444', xInvoice: 'R1T2P1', xCommand: 'cc:sale' },
      { xRefNum: 780975878, xAmount: '2.00', xEnteredDate: '1/2/2023 3:08:45 PM', xCardType: 'Visa', xMaskedCardNumber: 'xxxxxxxxxxxx0005', xInvoice: 'R1T3P1', xCommand: 'cc:sale' },
    ],
  }),
};
