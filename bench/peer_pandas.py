# Peer for `npm run bench`: pandas read_csv + the aging groupby (bucket sums per customer and
# currency), the way an analyst would do it. Prints nothing but the customer count.
import sys
import pandas as pd

path, as_of = sys.argv[1], pd.Timestamp(sys.argv[2])
df = pd.read_csv(path, thousands=',', dtype={'Factura': str})
for col in ('Importe', 'Saldo'):
    s = df[col].astype(str)
    neg = s.str.startswith('(')
    df[col] = pd.to_numeric(s.str.strip('()').str.replace(',', '', regex=False)) * (1 - 2 * neg)
df['Vencimiento'] = pd.to_datetime(df['Vencimiento'], format='%d/%m/%Y')
df = df.drop_duplicates(['Cliente', 'Factura', 'Vencimiento'])
df = df[df['Saldo'] != 0]
days = (as_of - df['Vencimiento']).dt.days
df['bucket'] = pd.cut(days, [-10**9, 0, 30, 60, 90, 10**9], labels=['current', '1-30', '31-60', '61-90', '90+'])
out = df.pivot_table(index=['Cliente', 'Moneda'], columns='bucket', values='Saldo', aggfunc='sum', fill_value=0, observed=False)
print(len(out))
